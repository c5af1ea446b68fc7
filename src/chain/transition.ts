// A block's transition over the tables, inside the chain's one LMDB
// transaction (PROTOCOL.md §9.2): connect applies KeyConnect or a microblock's
// rules 5–7 and transactions, writing state, undo, the transaction index and
// the reward history, the proposal-end index, a settlement's record and the
// music index; disconnect replays the undo
// record.
import { ACTIVATION_ENDORSED, isBootstrapEpoch } from '../consensus/activation.js';
import { checkMicroblockActivation, checkMicroblockTxBinding } from '../consensus/microblock-rules.js';
import { checkTxsSanity } from '../consensus/tx-rules.js';
import type { NetworkParams } from '../protocol/params.js';
import { txId, type Tx } from '../protocol/tx.js';
import { applyTx } from '../state/apply.js';
import { keyConnect } from '../state/key-connect.js';
import { indexConnect, indexDisconnect, proposalEndsIn } from '../state/proposal-ends.js';
import { musicConnect, musicDisconnect, writtenBy } from '../state/music-index.js';
import { recordConnect, recordDisconnect } from '../state/reward-history.js';
import { isSettlementHeight, settledPeriod, type PeriodSettlement } from '../state/settlement.js';
import {
  recordSettlement,
  removeSettlement,
  settlementOf,
  settlementRecord,
} from '../state/settlement-record.js';
import { applyUndo, decodeUndo, encodeUndo } from '../state/undo.js';
import { OverlayState } from '../state/view.js';
import type { Tables, WritableTable } from '../storage/db.js';
import type { ActivationRules } from './activation-rules.js';
import type { AnyBlock } from './block-store.js';
import { isCandidate } from './context.js';
import type { Entry, KeyEntry } from './index-entry.js';

export interface TransitionContext {
  readonly params: NetworkParams;
  readonly activation: ActivationRules;
  /** Whether this node already verified the transaction's signature (the signature cache). */
  readonly alreadyVerified: (tx: Tx) => boolean;
}

/** Applies `entry` (with its body) on the state its parent left; throws a RuleError if it does not apply. */
export function connectBlock(
  tables: Tables<WritableTable>,
  entry: Entry,
  body: AnyBlock,
  context: TransitionContext,
): void {
  const { params } = context;
  const view = new OverlayState(tables.state);
  const ends = proposalEndsIn(tables.proposalEnds);
  let settlement: PeriodSettlement | undefined;
  if (entry.kind === 'key') {
    // An endorsed key block connects with its M_{h,0}, in that microblock's transition (§5.4).
    if (entry.activation !== ACTIVATION_ENDORSED)
      settlement = keyConnect(view, connectingKey(entry, []), params, ends);
  } else {
    if (body.kind !== 'micro') throw new Error(`the body given for microblock ${entry.hex} is a key block`);
    const { block } = body;
    const parent = entry.parent!;
    if (isCandidate(parent)) {
      // M_{h,0} of an endorsed epoch: its section is checked against the snapshot, the state after
      // K.prev (K's own transition has not run), then KeyConnect(K) credits the endorsers (§5.4, §5.5).
      const endorsers = context.activation.endorsers(block, parent, view);
      settlement = keyConnect(view, connectingKey(parent, endorsers), params, ends);
    } else {
      checkMicroblockActivation(block, isBootstrapEpoch(entry.epochKey.activation)); // §3.3 rule 5
    }
    checkMicroblockTxBinding(block); // rule 6
    // Rule 7: the transactions, their signatures batch-verified first.
    checkTxsSanity(block.txs, params, context.alreadyVerified);
    const txContext = {
      keyHeight: entry.keyHeight,
      keyTime: entry.epochKey.block.header.time,
      timeS: block.header.timeMs / 1000n, // t (§4.1)
    };
    for (const tx of block.txs) applyTx(view, tx, txContext, params);
    block.txs.forEach((tx, position) => {
      tables.txindex.put(txId(tx), encodeTxLocation(entry.id, position));
    });
  }
  recordConnect(tables, entry.keyHeight, view);
  indexConnect(tables.proposalEnds, view);
  const record = settlement === undefined ? undefined : settlementRecord(settlement, entry.id);
  if (record !== undefined) recordSettlement(tables.settlements, record);
  const txs = body.kind === 'micro' ? body.block.txs : [];
  musicConnect(tables, { keyHeight: entry.keyHeight, txs, settlement: record }, view);
  view.writeTo(tables.state);
  tables.undo.put(entry.id, encodeUndo(view.undoEntries()));
}

function connectingKey(entry: KeyEntry, endorsers: readonly Uint8Array[]) {
  const { body } = entry.block;
  return {
    id: entry.id,
    height: entry.keyHeight,
    time: entry.block.header.time,
    leaderKey: body.leaderKey,
    payout: body.payout,
    activation: entry.activation,
    endorsers,
  };
}

/** Undoes `entry` (with its body), which must be the tip of the state in `tables`. */
export function disconnectBlock(
  tables: Tables<WritableTable>,
  entry: Entry,
  body: AnyBlock,
  params: NetworkParams,
): void {
  const undo = tables.undo.get(entry.id);
  if (undo === undefined)
    throw new Error(`no undo record for ${entry.hex}: resync into a new data directory`);
  const entries = decodeUndo(undo);
  recordDisconnect(tables, entry.keyHeight, tables.state, entries);
  indexDisconnect(tables.proposalEnds, tables.state, entries);
  const period = isSettlementHeight(entry.keyHeight, params)
    ? settledPeriod(entry.keyHeight, params)
    : undefined;
  const stored = period === undefined ? undefined : settlementOf(tables.settlements, period);
  musicDisconnect(
    tables,
    {
      keyHeight: entry.keyHeight,
      txs: body.kind === 'micro' ? body.block.txs : [],
      settlement: writtenBy(stored, entry.id) ? stored : undefined,
    },
    new OverlayState(tables.state),
    entries,
  );
  if (period !== undefined) removeSettlement(tables.settlements, period, entry.id);
  applyUndo(tables.state, entries);
  tables.undo.remove(entry.id);
  if (body.kind === 'micro') for (const tx of body.block.txs) tables.txindex.remove(txId(tx));
}

/** txindex value: block id [32] ‖ position u32 LE. */
function encodeTxLocation(blockId: Uint8Array, position: number): Uint8Array {
  const out = new Uint8Array(36);
  out.set(blockId);
  new DataView(out.buffer).setUint32(32, position, true);
  return out;
}

export function decodeTxLocation(value: Uint8Array): {
  readonly blockId: Uint8Array;
  readonly position: number;
} {
  return {
    blockId: value.subarray(0, 32),
    position: new DataView(value.buffer, value.byteOffset).getUint32(32, true),
  };
}
