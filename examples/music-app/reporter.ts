// Carries queued plays to the node: PlayReports (PROTOCOL.md §4.9) of up to
// 1,000 attestations, signed with the app's service key, one in flight at a
// time so nonces stay in order. The nonce is tracked here; a refusal for the
// nonce (`bad-nonce`: something else spent it) re-reads it from the node and
// signs again. A refusal naming one attestation (`unknown-song`,
// `duplicate-play`, …: §4.9's fatal rules void the whole report) drops that
// play and sends the rest; any other refusal puts the plays back for the next
// flush, and `insufficient-funds` asks the app for fee money first. Counters
// for GET /status.
import {
  addressOfKey,
  getPublicKey,
  MAX_REPORT_ATTESTATIONS,
  playReportPayload,
  signPlayReport,
  toHex,
  txId,
  type Attestation,
  type NetworkParams,
} from '../../src/client/index.js';
import type { NodeApi } from './node-api.js';
import type { PlayQueue } from './play-queue.js';

/** §4.9's limit: at most 1,000 attestations in one PlayReport. */
export const MAX_REPORT_PLAYS = MAX_REPORT_ATTESTATIONS;
/** A partial report goes out after this long (decision 192). */
export const DEFAULT_FLUSH_MS = 2000;
/** Fresh nonces tried for one report before it waits for the next flush (decision 192). */
export const MAX_RESUBMITS = 3;
/** Reports listed in GET /status, newest first. */
export const RECENT_REPORTS = 50;

/** Codes that mean the nonce we signed with is not the one the node expects. */
const NONCE_CODES = new Set(['bad-nonce', 'nonce-gap', 'replacement-fee-too-low']);
/** §4.9's fatal rules, which the node reports with the index of the first attestation failing one. */
const PLAY_CODES = new Set([
  'unknown-song',
  'bad-attestation',
  'play-too-old',
  'play-in-future',
  'bad-attestation-signature',
  'duplicate-play',
]);

export interface ReportRecord {
  readonly id: string;
  readonly plays: number;
  readonly nonce: string;
}

export interface ReporterStatus {
  readonly queued: number;
  readonly submitted: { reports: number; plays: number };
  readonly accepted: { reports: number; plays: number };
  /** Plays the node refused one by one, and refusals of whole reports (whose plays were retried), by code. */
  readonly refused: { plays: Record<string, number>; reports: Record<string, number> };
  /** Reports signed again with a fresh nonce after a nonce refusal. */
  readonly resubmitted: number;
  readonly recent: ReportRecord[];
}

/** What the reporter asks of the node: a nonce, a fee, a submission. */
export type ReporterApi = Pick<NodeApi, 'nextNonce' | 'feeFor' | 'submit'>;

export interface ReporterOptions {
  readonly app: Uint8Array;
  readonly serviceSeed: Uint8Array;
  readonly params: NetworkParams;
  readonly batchSize: number;
  readonly log: (line: string) => void;
  /** Called when the node refuses a report for `insufficient-funds`: the service key needs fee money. */
  readonly onShortOfFunds?: () => Promise<void>;
}

export class Reporter {
  private nonce: bigint | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly serviceAddress: string;
  readonly counts = {
    submitted: { reports: 0, plays: 0 },
    accepted: { reports: 0, plays: 0 },
    refused: { plays: {} as Record<string, number>, reports: {} as Record<string, number> },
    resubmitted: 0,
  };
  private readonly recent: ReportRecord[] = [];

  constructor(
    private readonly opts: ReporterOptions,
    private readonly api: ReporterApi,
    private readonly queue: PlayQueue,
  ) {
    this.serviceAddress = addressOfKey(getPublicKey(opts.serviceSeed), opts.params);
  }

  status(): ReporterStatus {
    return {
      queued: this.queue.length,
      submitted: { ...this.counts.submitted },
      accepted: { ...this.counts.accepted },
      refused: { plays: { ...this.counts.refused.plays }, reports: { ...this.counts.refused.reports } },
      resubmitted: this.counts.resubmitted,
      recent: [...this.recent],
    };
  }

  /**
   * Sends what is queued: full reports only, or with `all` the partial last one too. Flushes run one
   * after another, so a report never overtakes the one before it.
   */
  flush(all: boolean): Promise<void> {
    const next = this.running.then(() => this.drain(all));
    this.running = next.catch((err: unknown) => {
      this.opts.log(`flush failed, plays kept for the next one: ${String(err)}`);
    });
    return this.running;
  }

  private async drain(all: boolean): Promise<void> {
    this.queue.prune();
    while (this.queue.length >= this.opts.batchSize || (all && this.queue.length > 0)) {
      const plays = this.queue.take(this.opts.batchSize);
      if (!(await this.send(plays))) return; // refused for now: the next flush tries again
    }
  }

  /** Submits one report of `plays`; false when they were put back to wait for the next flush. */
  private async send(initial: readonly Attestation[]): Promise<boolean> {
    const plays = { left: [...initial] };
    try {
      return await this.trySend(plays);
    } catch (err) {
      // The node unreachable, or an answer we cannot read: nothing is lost, the plays wait.
      this.nonce = undefined;
      this.queue.putBack(plays.left);
      this.opts.log(
        `report of ${plays.left.length} plays not sent (${String(err)}); kept for the next flush`,
      );
      return false;
    }
  }

  private async trySend(state: { left: Attestation[] }): Promise<boolean> {
    let resubmits = 0;
    while (state.left.length > 0) {
      const plays = state.left;
      this.nonce ??= await this.api.nextNonce(this.serviceAddress);
      const payload = playReportPayload({ app: this.opts.app, attestations: plays }, this.opts.params);
      const fee = await this.api.feeFor(payload);
      const tx = signPlayReport(
        this.opts.serviceSeed,
        { app: this.opts.app, attestations: plays },
        { nonce: this.nonce, fee, params: this.opts.params },
      );
      this.counts.submitted.reports++;
      this.counts.submitted.plays += plays.length;
      const result = await this.api.submit(tx);
      // The same bytes again (after a lost answer): the node holds the report already.
      const known = !result.ok && result.code === 'txn-already-known';
      if (result.ok || known) {
        const id = result.ok ? result.id : toHex(txId(tx));
        this.record({ id, plays: plays.length, nonce: this.nonce.toString() });
        this.nonce++;
        this.counts.accepted.reports++;
        this.counts.accepted.plays += plays.length;
        this.opts.log(`report ${id.slice(0, 16)}… accepted: ${plays.length} plays, nonce ${tx.nonce}`);
        return true;
      }
      const { code, message } = result;
      const index = indexIn(message);
      if (PLAY_CODES.has(code) && index !== undefined && index < plays.length) {
        bump(this.counts.refused.plays, code);
        this.opts.log(
          `play ${index} of a report refused (${code}): dropped, the other ${plays.length - 1} go again`,
        );
        state.left = plays.filter((_, i) => i !== index);
        continue;
      }
      bump(this.counts.refused.reports, code);
      if (NONCE_CODES.has(code) && resubmits < MAX_RESUBMITS) {
        resubmits++;
        this.counts.resubmitted++;
        this.nonce = await this.api.nextNonce(this.serviceAddress);
        this.opts.log(`report refused (${code}): signing it again with nonce ${this.nonce}`);
        continue;
      }
      if (code === 'insufficient-funds') await this.opts.onShortOfFunds?.();
      this.nonce = undefined; // read again next time: the refusal may have been about it
      this.queue.putBack(plays);
      this.opts.log(`report of ${plays.length} plays refused (${code}: ${message}); kept for the next flush`);
      return false;
    }
    return true;
  }

  private record(report: ReportRecord): void {
    this.recent.unshift(report);
    if (this.recent.length > RECENT_REPORTS) this.recent.pop();
  }
}

/** The attestation index a node's refusal message carries (`code {"index":3,…}`). */
function indexIn(message: string): number | undefined {
  const match = /"index":(\d+)/.exec(message);
  return match === null ? undefined : Number(match[1]);
}

function bump(counts: Record<string, number>, code: string): void {
  counts[code] = (counts[code] ?? 0) + 1;
}
