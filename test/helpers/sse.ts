// A minimal Server-Sent Events reader for tests: collects events until a
// predicate holds, then closes the stream.

export interface SseMessage {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: Record<string, unknown>;
}

export class SseClient {
  readonly messages: SseMessage[] = [];
  private buffer = '';
  private readonly controller = new AbortController();
  private waiters: { until: (m: readonly SseMessage[]) => boolean; resolve: () => void }[] = [];

  private constructor() {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    const response = await fetch(url, { headers, signal: client.controller.signal });
    if (!response.ok || response.body === null) throw new Error(`GET ${url}: ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          client.feed(value);
        }
      } catch {
        // aborted by close()
      }
    })();
    return client;
  }

  /** Resolves once the messages so far satisfy `until`. */
  wait(until: (messages: readonly SseMessage[]) => boolean): Promise<void> {
    if (until(this.messages)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ until, resolve }));
  }

  close(): void {
    this.controller.abort();
  }

  private feed(text: string): void {
    this.buffer += text;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      let id: string | undefined;
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data !== '') this.messages.push({ event, id, data: JSON.parse(data) as Record<string, unknown> });
    }
    this.waiters = this.waiters.filter((w) => {
      if (!w.until(this.messages)) return true;
      w.resolve();
      return false;
    });
  }
}
