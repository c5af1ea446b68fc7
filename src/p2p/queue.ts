// A bounded validation queue for one gossip topic. One peer may hold at most
// a share of it, so a flooding peer cannot push honest peers' messages out.

export interface QueuedMessage {
  readonly msgId: string;
  readonly peer: string;
  readonly data: Uint8Array;
}

export class ValidationQueue {
  private items: QueuedMessage[] = [];
  private readonly perPeer = new Map<string, number>();
  private readonly peerLimit: number;

  constructor(private readonly limit: number) {
    this.peerLimit = Math.max(1, Math.ceil(limit / 4));
  }

  get length(): number {
    return this.items.length;
  }

  /** False when the queue, or the sender's share of it, is full: the caller drops the message. */
  push(message: QueuedMessage): boolean {
    const held = this.perPeer.get(message.peer) ?? 0;
    if (this.items.length >= this.limit || held >= this.peerLimit) return false;
    this.items.push(message);
    this.perPeer.set(message.peer, held + 1);
    return true;
  }

  /** Takes every message `peer` holds out of the queue (it was banned): returns them, in order. */
  dropPeer(peer: string): QueuedMessage[] {
    if (!this.perPeer.has(peer)) return [];
    const dropped = this.items.filter((m) => m.peer === peer);
    this.items = this.items.filter((m) => m.peer !== peer);
    this.perPeer.delete(peer);
    return dropped;
  }

  shift(): QueuedMessage | undefined {
    const message = this.items.shift();
    if (message === undefined) return undefined;
    const held = this.perPeer.get(message.peer)! - 1;
    if (held === 0) this.perPeer.delete(message.peer);
    else this.perPeer.set(message.peer, held);
    return message;
  }
}
