// The command lines of app-server.ts and listener-sim.ts: flags, the network,
// and the network's public faucet key (PROTOCOL.md §1.3) for funding on a devnet.
import {
  addressOfKey,
  FAUCET_SEED_TEXT,
  formatAlto,
  getPublicKey,
  NETWORKS,
  sha256,
  signTransfer,
  transferPayload,
  type NetworkName,
  type NetworkParams,
} from '../../src/client/index.js';
import { submitOrThrow, type NodeApi } from './node-api.js';

/** How long a funding transfer may take to confirm: a few of the devnet's 10 s key blocks. */
export const FUNDING_CONFIRM_MS = 120_000;

export interface Flags {
  readonly [name: string]: string | true | undefined;
}

/** `--name value` pairs of `valued` flags and bare `--flag`s; anything else is a usage error. */
export function parseFlags(
  argv: readonly string[],
  valued: readonly string[],
  bare: readonly string[],
): Flags {
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument '${arg}'`);
    const name = arg.slice(2);
    if (!valued.includes(name) && !bare.includes(name)) throw new Error(`unknown flag ${arg} (see --help)`);
    if (bare.includes(name)) {
      flags[name] = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${arg} takes a value`);
    flags[name] = value;
  }
  return flags;
}

export function networkOf(flags: Flags): NetworkParams {
  const name = (flags.network ?? 'regtest') as string;
  if (!(name in NETWORKS)) throw new Error(`--network is regtest, testnet or mainnet, got '${name}'`);
  return NETWORKS[name as NetworkName];
}

/** The network's public faucet seed (§1.3): SHA-256 of its faucet text; mainnet has none. */
export function faucetSeed(params: NetworkParams): Uint8Array {
  const text = FAUCET_SEED_TEXT[params.name];
  if (text === undefined) throw new Error(`${params.name} has no public faucet`);
  return sha256(new TextEncoder().encode(text));
}

/** Sends `amount` from the public faucet to `address` unless it already holds that much. */
export async function fundFromFaucet(api: NodeApi, address: string, amount: bigint): Promise<void> {
  const held = (await api.account(address))?.balance ?? 0n;
  if (held >= amount) return;
  const seed = faucetSeed(api.params);
  const faucet = addressOfKey(getPublicKey(seed), api.params);
  const fields = { to: address, amount: amount - held };
  const fee = await api.feeFor(transferPayload(fields, api.params));
  const nonce = await api.nextNonce(faucet);
  const id = await submitOrThrow(
    api,
    signTransfer(seed, fields, { nonce, fee, params: api.params }),
    'faucet transfer',
  );
  console.log(`faucet → ${address}: ${formatAlto(fields.amount)} ALTO (tx ${id.slice(0, 16)}…)`);
  await api.waitConfirmed(id, FUNDING_CONFIRM_MS);
}
