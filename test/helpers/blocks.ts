import { getPublicKey, sign } from '../../src/crypto/ed25519.js';
import { sha256d } from '../../src/crypto/hash.js';
import { microblockSigningMessage } from '../../src/consensus/microblock-rules.js';
import {
  encodeActivation,
  merkleRoot,
  type ActivationEntry,
  type Microblock,
  type MicroblockHeader,
} from '../../src/protocol/microblock.js';
import { txId, type Tx } from '../../src/protocol/tx.js';
import { scanNonces } from '../../src/crypto/pow.js';
import { targetBytes, targetFromBits } from '../../src/consensus/difficulty.js';
import {
  encodeKeyBlockHeader,
  keyBlockId,
  keyBlockRoot,
  type KeyBlock,
  type KeyBlockBody,
  type KeyBlockHeader,
} from '../../src/protocol/key-block.js';
import { REGTEST, type NetworkParams } from '../../src/protocol/params.js';

export const LEADER_SEED = new Uint8Array(32).fill(0x1e);

export interface KeyBlockSpec {
  readonly prev?: Uint8Array;
  readonly height?: bigint;
  readonly time?: number;
  readonly bits?: number;
  readonly leaderKey?: Uint8Array;
  readonly params?: NetworkParams;
  readonly body?: Partial<KeyBlockBody>;
}

/** A regtest key block with a nonce that meets its bits (a few yespower hashes). */
export function mineKeyBlock(spec: KeyBlockSpec = {}): KeyBlock {
  const params = spec.params ?? REGTEST;
  const body: KeyBlockBody = {
    magic: params.magic,
    height: spec.height ?? 1n,
    leaderKey: spec.leaderKey ?? getPublicKey(LEADER_SEED),
    payout: new Uint8Array(20).fill(0x9a),
    extranonce: new Uint8Array(8),
    aux: new Uint8Array(32),
    ...spec.body,
  };
  const unsolved: KeyBlockHeader = {
    version: 1,
    prev: spec.prev ?? new Uint8Array(32),
    root: keyBlockRoot(body),
    time: spec.time ?? params.genesis.time + 60,
    bits: spec.bits ?? params.powLimitBits,
    nonce: 0,
  };
  const hit = scanNonces(
    encodeKeyBlockHeader(unsolved),
    targetBytes(targetFromBits(unsolved.bits)),
    0,
    10_000,
  );
  if (hit === null) throw new Error('no nonce found in 10,000 tries');
  return { header: { ...unsolved, nonce: hit.nonce }, body };
}

export interface MicroblockSpec {
  readonly keyBlockId: Uint8Array;
  readonly prev?: Uint8Array;
  readonly keyHeight?: bigint;
  readonly seq?: number;
  readonly timeMs: bigint;
  readonly txs?: readonly Tx[];
  readonly activation?: readonly ActivationEntry[];
  readonly leaderSeed?: Uint8Array;
  readonly params?: NetworkParams;
}

/** A microblock whose header binds its body, signed by the leader. */
export function buildMicroblock(spec: MicroblockSpec): Microblock {
  const params = spec.params ?? REGTEST;
  const txs = spec.txs ?? [];
  const activation = spec.activation ?? [];
  const header: MicroblockHeader = {
    version: 1,
    prev: spec.prev ?? spec.keyBlockId,
    keyHeight: spec.keyHeight ?? 1n,
    seq: spec.seq ?? 0,
    timeMs: spec.timeMs,
    txRoot: merkleRoot(txs.map(txId)),
    txCount: txs.length,
    actHash: sha256d(encodeActivation(activation)),
  };
  const leaderSig = sign(
    microblockSigningMessage(spec.keyBlockId, header, params),
    spec.leaderSeed ?? LEADER_SEED,
  );
  return { header, leaderSig, activation, txs };
}

/**
 * Two key blocks on the regtest genesis, paying 0xc1… and 0xc2…: added in order to a node whose
 * tip is a key block at height 1, the first goes to the side and the second reorgs it.
 */
export function competingKeyBlocks(): [KeyBlock, KeyBlock] {
  const genesis = Buffer.from(REGTEST.genesis.id, 'hex');
  const c1 = mineKeyBlock({
    prev: genesis,
    height: 1n,
    time: REGTEST.genesis.time + 61,
    body: { payout: new Uint8Array(20).fill(0xc1) },
  });
  const c2 = mineKeyBlock({
    prev: keyBlockId(c1.header),
    height: 2n,
    time: REGTEST.genesis.time + 120,
    body: { payout: new Uint8Array(20).fill(0xc2) },
  });
  return [c1, c2];
}
