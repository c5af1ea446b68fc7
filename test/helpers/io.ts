import type { CommandIo } from '../../src/cli/io.js';

/** A CommandIo whose lines the test reads back. */
export function captureIo(signal: AbortSignal = new AbortController().signal): {
  out: string[];
  err: string[];
  io: CommandIo;
} {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l) => out.push(l), err: (l) => err.push(l), signal } };
}
