// The client library for music apps: everything an app or a listener's page
// needs to build and sign Altostream transactions and play attestations, in
// Node or (bundled as build/client.browser.js) in a browser. Under Node the
// wasm loads itself on first use; a browser hands it in first:
//   await initWasm(fetch('/altostream.wasm'));
// It imports only protocol/ and crypto/, so it never pulls in a node: module
// beyond the wasm loader's own Node default.
export { initWasm, provideWasm, type WasmSource } from '../crypto/wasm.js';
export { getPublicKey, verify } from '../crypto/ed25519.js';
export { sha256 } from '../crypto/hash.js';
export { FAUCET_SEED_TEXT, NETWORKS, type NetworkName, type NetworkParams } from '../protocol/params.js';
export { RuleError } from '../protocol/errors.js';
export {
  MAX_REPORT_ATTESTATIONS,
  decodeTx,
  encodeTx,
  txId,
  type Attestation,
  type Tx,
  type TxPayload,
} from '../protocol/tx.js';
export * from './attestation.js';
export * from './sign.js';
export * from './values.js';
