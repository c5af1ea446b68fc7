// The app's side of PROTOCOL.md §4.9 before anything reaches the node: which
// listener-signed attestations it takes (its own app, a good signature, inside
// the play window, each (listener, serial) once), and the queue they wait in
// until a PlayReport carries them. A refused request names its code and the
// index of the attestation at fault; nothing of it is queued.
import {
  accountId,
  decodeAttestation,
  fromHex,
  MAX_REPORT_ATTESTATIONS,
  RuleError,
  toHex,
  verifyAttestation,
  type Attestation,
  type NetworkParams,
} from '../../src/client/index.js';

/** §4.9: a PlayReport carries at most 1,000 attestations, so one request does too. */
export const MAX_PLAYS_PER_REQUEST = MAX_REPORT_ATTESTATIONS;
/** Plays waiting for a report, at most (decision 193): past it POST /plays is 503 `queue-full`. */
export const MAX_QUEUED_PLAYS = 100_000;
/**
 * A play must start at least this long after the node's window start (now − PLAY_REPORT_WINDOW,
 * §4.9) when it arrives, so it is still in the window when its report lands (decision 193).
 */
export const WINDOW_MARGIN_S = 600;
/** §4.9: a play may end at most 120 s after its microblock's time (`play-in-future`). */
export const FUTURE_LIMIT_S = 120;

/** Why the app refused a request: 400 with `code` and the index of the attestation at fault. */
export class PlayRefusal extends Error {
  override readonly name = 'PlayRefusal';
  constructor(
    readonly code: string,
    message: string,
    readonly index?: number,
    readonly status = 400,
  ) {
    super(message);
  }
}

export class PlayQueue {
  private queue: Attestation[] = [];
  /** (listener, serial) → start_s of every play taken, kept while the play can still be reported. */
  private readonly seen = new Map<string, bigint>();

  constructor(
    private readonly app: Uint8Array,
    private readonly params: NetworkParams,
    private readonly nowS: () => bigint,
  ) {}

  get length(): number {
    return this.queue.length;
  }

  /** Checks every attestation of a request, then queues them all, or throws a PlayRefusal and queues none. */
  accept(hexes: readonly string[]): number {
    if (hexes.length === 0 || hexes.length > MAX_PLAYS_PER_REQUEST) {
      throw new PlayRefusal('bad-count', `send 1–${MAX_PLAYS_PER_REQUEST} attestations, got ${hexes.length}`);
    }
    if (this.queue.length + hexes.length > MAX_QUEUED_PLAYS) {
      throw new PlayRefusal(
        'queue-full',
        `${this.queue.length} plays wait for a report; retry later`,
        undefined,
        503,
      );
    }
    const now = this.nowS();
    const oldest = now - BigInt(this.params.playReportWindowS) + BigInt(WINDOW_MARGIN_S);
    const taken = new Set<string>();
    const plays = hexes.map((hex, index) => {
      const a = this.decode(hex, index);
      if (toHex(a.app) !== toHex(this.app)) {
        throw new PlayRefusal(
          'wrong-app',
          `attestation ${index} names app ${toHex(a.app)}, not this app`,
          index,
        );
      }
      if (a.seconds < 1) throw new PlayRefusal('bad-attestation', `attestation ${index} lasts 0 s`, index);
      if (a.startS < oldest) {
        throw new PlayRefusal('play-too-old', `attestation ${index} starts before ${oldest}`, index);
      }
      if (a.startS + BigInt(a.seconds) > now + BigInt(FUTURE_LIMIT_S)) {
        throw new PlayRefusal(
          'play-in-future',
          `attestation ${index} ends after now + ${FUTURE_LIMIT_S} s`,
          index,
        );
      }
      if (!verifyAttestation(a, this.params)) {
        throw new PlayRefusal(
          'bad-attestation-signature',
          `attestation ${index}: not its listener's signature`,
          index,
        );
      }
      const key = serialKey(a);
      if (this.seen.has(key) || taken.has(key)) {
        throw new PlayRefusal(
          'duplicate-play',
          `attestation ${index}: this listener's serial ${a.serial} was sent before`,
          index,
        );
      }
      taken.add(key);
      return a;
    });
    for (const a of plays) this.seen.set(serialKey(a), a.startS);
    this.queue.push(...plays);
    return plays.length;
  }

  private decode(hex: string, index: number): Attestation {
    try {
      return decodeAttestation(fromHex(hex));
    } catch (err) {
      const code = err instanceof RuleError ? err.code : 'bad-hex';
      throw new PlayRefusal(code, `attestation ${index} is not 168 bytes of hex`, index);
    }
  }

  /** Up to `max` plays from the front, taken out of the queue. */
  take(max: number): Attestation[] {
    return this.queue.splice(0, max);
  }

  /** Plays a report did not carry after all, back at the front in their order. */
  putBack(plays: readonly Attestation[]): void {
    this.queue.unshift(...plays);
  }

  /** Forgets the serials of plays that left the window: the node refuses those anyway (`play-too-old`). */
  prune(): void {
    const oldest = this.nowS() - BigInt(this.params.playReportWindowS);
    for (const [key, startS] of this.seen) if (startS < oldest) this.seen.delete(key);
  }
}

function serialKey(a: Attestation): string {
  return `${toHex(accountId(a.listenerKey))}:${a.serial}`;
}
