// A long regtest chain for tests and benches: one key block, then microblocks,
// repeated; each microblock carries `txsPerMicroblock` faucet transfers (0 for
// bare microblocks, which consensus allows). Key blocks are mined (a few
// yespower hashes each), so fewer key blocks build faster.
import type { Chain } from '../../src/chain/chain.js';
import { microblockSigningMessage } from '../../src/consensus/microblock-rules.js';
import { targetBytes, targetFromBits } from '../../src/consensus/difficulty.js';
import { getPublicKey, sign } from '../../src/crypto/ed25519.js';
import { sha256, sha256d } from '../../src/crypto/hash.js';
import { scanNonces } from '../../src/crypto/pow.js';
import { encodeKeyBlockHeader, keyBlockRoot, type KeyBlock } from '../../src/protocol/key-block.js';
import { encodeActivation, merkleRoot, type Microblock } from '../../src/protocol/microblock.js';
import { REGTEST } from '../../src/protocol/params.js';
import { txId, txSigningMessage, type Tx } from '../../src/protocol/tx.js';

const params = REGTEST;
const faucetSeed = sha256(new TextEncoder().encode('ALTO regtest faucet'));
const leaderSeed = new Uint8Array(32).fill(0x1e);
const recipient = new Uint8Array(20).fill(0x77);

export interface LongChainShape {
  /** Blocks per epoch, its key block included. */
  readonly blocksPerEpoch: number;
  readonly txsPerMicroblock: number;
}

export const DEFAULT_SHAPE: LongChainShape = { blocksPerEpoch: 20, txsPerMicroblock: 1 };

/**
 * Extends `chain` until it holds `target` blocks besides genesis; `have` is how many it holds
 * (a multiple of blocksPerEpoch when continuing one built with the same shape).
 */
export function growChain(
  chain: Chain,
  target: number,
  have: number,
  shape: LongChainShape = DEFAULT_SHAPE,
  progress: (built: number) => void = () => undefined,
): void {
  const sender = getPublicKey(faucetSeed);
  const leaderKey = getPublicKey(leaderSeed);
  const { blocksPerEpoch, txsPerMicroblock } = shape;
  let nonce = BigInt(Math.floor(have / blocksPerEpoch) * (blocksPerEpoch - 1) * txsPerMicroblock);
  for (let count = have; count < target; count++) {
    const tip = chain.tip;
    if (count % blocksPerEpoch === 0) {
      const height = tip.keyHeight + 1n;
      const body = {
        magic: params.magic,
        height,
        leaderKey,
        payout: new Uint8Array(20).fill(9),
        extranonce: new Uint8Array(8),
        aux: new Uint8Array(32),
      };
      const header = {
        version: 1,
        prev: tip.id,
        root: keyBlockRoot(body),
        time: params.genesis.time + 60 * Number(height),
        bits: params.powLimitBits,
        nonce: 0,
      };
      const hit = scanNonces(
        encodeKeyBlockHeader(header),
        targetBytes(targetFromBits(header.bits)),
        0,
        10_000,
      );
      if (hit === null) throw new Error('no nonce');
      const block: KeyBlock = { header: { ...header, nonce: hit.nonce }, body };
      chain.add({ kind: 'key', block });
    } else {
      const txs: Tx[] = [];
      for (let i = 0; i < txsPerMicroblock; i++) {
        const unsigned = {
          version: 1 as const,
          sender,
          nonce,
          fee: 1n,
          validUntil: 0n,
          payload: { type: 1 as const, to: recipient, amount: 1n, memo: new Uint8Array() },
        };
        nonce++;
        txs.push({ ...unsigned, signature: sign(txSigningMessage(unsigned, params), faucetSeed) });
      }
      const header = {
        version: 1,
        prev: tip.id,
        keyHeight: tip.keyHeight,
        seq: tip.kind === 'key' ? 0 : tip.seq + 1,
        timeMs: tip.timeMs + 100n,
        txRoot: merkleRoot(txs.map(txId)),
        txCount: txs.length,
        actHash: sha256d(encodeActivation([])),
      };
      const leaderSig = sign(microblockSigningMessage(tip.epochKey.id, header, params), leaderSeed);
      const block: Microblock = { header, leaderSig, activation: [], txs };
      chain.add({ kind: 'micro', block });
    }
    progress(count + 1);
  }
}
