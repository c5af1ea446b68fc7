/** What a command may touch of the outside world; tests pass their own. */
export interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Aborted on Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
}
