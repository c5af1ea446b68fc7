// One verification thread: its own WASM instance, answering batches with verifyBatch.
import { parentPort } from 'node:worker_threads';
import { verifyBatch, type SignedMessage } from './ed25519.js';

export interface VerifyRequest {
  readonly id: number;
  readonly items: readonly SignedMessage[];
}

export interface VerifyResponse {
  readonly id: number;
  readonly results?: boolean[];
  readonly error?: string;
}

const port = parentPort;
if (port === null) throw new Error('verify-worker must run in a worker thread');

port.on('message', (request: VerifyRequest) => {
  let response: VerifyResponse;
  try {
    response = { id: request.id, results: verifyBatch(request.items) };
  } catch (error) {
    response = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(response);
});
