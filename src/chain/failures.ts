// The blocks that failed for good, by id, with the code and gossip verdict of
// their failure (§4.13, §10.2), so a re-delivery is answered the same way.
// Bounded: a leader can sign any number of bad microblocks cheaply, so past
// MAX_FAILURES the oldest is forgotten; a forgotten block is judged afresh if
// it comes again, which gives the same verdict for everything decided from its
// own bytes and its parent.
import type { GossipAction, RuleCode } from '../protocol/errors.js';

export const MAX_FAILURES = 65_536;

export interface Failure {
  readonly code: RuleCode;
  readonly gossip: GossipAction;
}

export class Failures {
  private readonly byId = new Map<string, Failure>();

  get(hex: string): Failure | undefined {
    return this.byId.get(hex);
  }

  has(hex: string): boolean {
    return this.byId.has(hex);
  }

  set(hex: string, failure: Failure): void {
    this.byId.delete(hex);
    this.byId.set(hex, failure);
    if (this.byId.size > MAX_FAILURES) this.byId.delete(this.byId.keys().next().value!);
  }
}
