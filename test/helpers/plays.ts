// Listener-signed play attestations (PROTOCOL.md §4.9) and the parties of a
// play test: funded accounts that sign transactions, listeners that sign plays.
import { attestationSigningMessage } from '../../src/consensus/attestation.js';
import { getPublicKey, sign } from '../../src/crypto/ed25519.js';
import { accountId } from '../../src/protocol/address.js';
import { REGTEST, type NetworkParams } from '../../src/protocol/params.js';
import type { Attestation, Tx, TxPayload } from '../../src/protocol/tx.js';
import { signedTx } from './txs.js';

/** A test account: its seed, key, id and next nonce. */
export class Party {
  readonly seed: Uint8Array;
  readonly key: Uint8Array;
  readonly id: Uint8Array;
  nonce = 0n;
  private nextSerial = 0n;

  constructor(
    seedOrByte: number | Uint8Array,
    readonly params: NetworkParams = REGTEST,
  ) {
    this.seed = typeof seedOrByte === 'number' ? new Uint8Array(32).fill(seedOrByte) : seedOrByte;
    this.key = getPublicKey(this.seed);
    this.id = accountId(this.key);
  }

  /** A signed tx at the next nonce; the nonce advances only if `keep`. */
  tx(payload: TxPayload, options: { fee?: bigint; keep?: boolean } = {}): Tx {
    const tx = signedTx(
      { seed: this.seed, payload, nonce: this.nonce, fee: options.fee ?? 1000n },
      this.params,
    );
    if (options.keep ?? true) this.nonce++;
    return tx;
  }

  /** A play of `songId` by this listener, signed, at a fresh serial unless one is given. */
  play(
    songId: Uint8Array,
    app: Uint8Array,
    startS: bigint,
    seconds: number,
    serial: bigint = this.nextSerial++,
  ): Attestation {
    const unsigned = { songId, listenerKey: this.key, startS, seconds, app, serial };
    return { ...unsigned, sig: sign(attestationSigningMessage(unsigned, this.params), this.seed) };
  }
}

/** The PlayReport payload of `app` carrying `attestations`. */
export const report = (app: Uint8Array, attestations: readonly Attestation[]): TxPayload => ({
  type: 8,
  app,
  attestations,
});
