// RuleError: the sender broke a rule of PROTOCOL.md. It carries the rule's
// code (kebab-case, as the protocol names it), details for the log, whether
// the failure is permanent (false only for `time-too-new`: retry later), and
// what gossip should do with the message (§10.2): REJECT penalises the peer,
// IGNORE drops it quietly because another node's view may differ.

export type RuleCode =
  // §2.1 encoding
  | 'bad-encoding'
  | 'trailing-bytes'
  | 'non-minimal-varint'
  | 'oversize'
  | 'bad-utf8'
  | 'bad-flag'
  // §2.4 addresses
  | 'bad-address'
  // amounts (API and wallet input)
  | 'bad-amount'
  // §4 transactions
  | 'bad-version'
  | 'unknown-tx-type'
  | 'tx-too-large'
  | 'bad-signature'
  | 'unknown-account'
  | 'bad-nonce'
  | 'expired'
  | 'insufficient-funds'
  | 'bad-role'
  | 'bad-target-kind'
  | 'bad-count'
  | 'bad-duration'
  | 'bad-split'
  | 'bad-periods'
  | 'bad-voting-period'
  | 'insufficient-stake'
  | 'below-min-stake'
  | 'bad-proposal-kind'
  | 'bad-choice'
  | 'param-not-allowed'
  | 'param-out-of-range'
  | 'not-staker'
  | 'unknown-proposal'
  | 'voting-closed'
  // §4.3–§4.6 identities, songs, donations, subscriptions
  | 'role-removal'
  | 'not-musician'
  | 'song-exists'
  | 'unknown-song'
  | 'self-payment'
  | 'subscription-too-small'
  // §4.9 PlayReport
  | 'not-app'
  | 'not-app-key'
  | 'fee-too-low'
  | 'bad-attestation'
  | 'play-too-old'
  | 'play-in-future'
  | 'bad-attestation-signature'
  | 'duplicate-play'
  // §3 blocks
  | 'bad-bits'
  | 'bad-pow'
  | 'bad-magic'
  | 'bad-merkle-root'
  | 'bad-leader-key'
  | 'bad-prev'
  | 'bad-height'
  | 'time-too-old'
  | 'time-too-new'
  | 'microblock-too-large'
  | 'too-many-txs'
  | 'mutated'
  | 'bad-sequence'
  | 'bad-leader-signature'
  | 'microblock-too-soon'
  | 'bad-activation'
  | 'insufficient-endorsements'
  | 'reorg-too-deep'
  // §5.3 a single endorsement (gossip, the leader's pool)
  | 'bad-endorsement-index'
  | 'wrong-slot'
  | 'bad-endorsement-signature'
  // §3.9, §4.12 Poison
  | 'bad-fraud-proof'
  | 'poison-too-early'
  | 'poison-too-late'
  | 'already-poisoned'
  // §4.14 mempool policy (not consensus): a node's own choice, never a peer's fault
  | 'txn-already-known'
  | 'min-relay-fee-not-met'
  | 'mempool-min-fee-not-met'
  | 'mempool-full'
  | 'too-many-pending'
  | 'nonce-gap'
  | 'replacement-fee-too-low';

export type GossipAction = 'reject' | 'ignore';

export interface RuleErrorOptions {
  readonly gossip?: GossipAction;
  readonly permanent?: boolean;
}

export class RuleError extends Error {
  override readonly name = 'RuleError';
  readonly gossip: GossipAction;
  readonly permanent: boolean;

  constructor(
    readonly code: RuleCode,
    readonly details: Readonly<Record<string, unknown>> = {},
    options: RuleErrorOptions = {},
  ) {
    super(`${code}${Object.keys(details).length > 0 ? ` ${JSON.stringify(details, bigintSafe)}` : ''}`);
    this.gossip = options.gossip ?? 'reject';
    this.permanent = options.permanent ?? true;
  }
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
