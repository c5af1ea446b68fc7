// A listener simulator for the example app: N listeners, each funded from a
// faucet key, registers as a listener (§4.3), pays — a Donate to a song or a
// musician (§4.5) or a Subscribe (§4.6) — then plays songs: non-overlapping
// intervals that ended a minute ago, each at least MIN_PLAY_SECONDS, signed as
// attestations naming the app (§4.9) and posted to the app's POST /plays.
//
// Run it (beside a node and app-server.ts):
//   node --import tsx examples/music-app/listener-sim.ts \
//     --listeners 20 --song <song id hex>:<duration s> --musician <address>
// `--help` lists the flags.
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  addressOfKey,
  formatAlto,
  getPublicKey,
  parseAlto,
  registerIdentityPayload,
  ROLE_LISTENER,
  signAttestation,
  donatePayload,
  signRegisterIdentity,
  signTransfer,
  signTx,
  subscribePayload,
  toHex,
  transferPayload,
  encodeAttestation,
  type NetworkParams,
  type Tx,
} from '../../src/client/index.js';
import { faucetSeed, networkOf, parseFlags } from './cli.js';
import { NodeApi, sleep, submitOrThrow, POLL_MS } from './node-api.js';

/** Fee money each listener gets beside what it pays: two transactions' fees many times over. */
export const LISTENER_FEE_MONEY = parseAlto('0.1');
/** A gap between one listener's plays, so their intervals never touch. */
export const PLAY_GAP_S = 5;
/** The last play ends this long before now: a past interval, never `play-in-future`. */
export const PLAYS_END_BEFORE_NOW_S = 60;
/** How long one of the simulator's transactions may take to confirm. */
export const CONFIRM_MS = 120_000;

export type Payment =
  | { readonly kind: 'donate-song'; readonly songId: string; readonly amount: bigint }
  | { readonly kind: 'donate-musician'; readonly musician: string; readonly amount: bigint }
  | {
      readonly kind: 'subscribe';
      readonly musician: string;
      readonly amount: bigint;
      readonly periods: number;
    };

export interface ListenerPlan {
  /** The listener's 32-byte ed25519 seed. */
  readonly seed: Uint8Array;
  readonly pay: Payment;
  /** In the order played; each lasts ≥ MIN_PLAY_SECONDS and ≤ the song's duration. */
  readonly plays: readonly { readonly songId: string; readonly seconds: number }[];
}

export interface SimOptions {
  readonly api: string;
  readonly params: NetworkParams;
  /** The example app's URL: its GET /status names the app the attestations carry. */
  readonly appUrl: string;
  /** The key that funds the listeners. */
  readonly faucetSeed: Uint8Array;
  readonly listeners: readonly ListenerPlan[];
  readonly log?: (line: string) => void;
  /** Unix ms. */
  readonly now?: () => number;
}

export interface ListenerResult {
  readonly address: string;
  readonly registered: string;
  readonly paid: string;
  readonly plays: number;
}

/** Runs every plan to its posted plays; the listeners' transactions are confirmed when it returns. */
export async function simulateListeners(opts: SimOptions): Promise<ListenerResult[]> {
  const { params } = opts;
  const log = opts.log ?? (() => undefined);
  const api = new NodeApi(opts.api, params);
  const app = ((await (await fetch(`${opts.appUrl}/status`)).json()) as { app: string }).app;
  const addresses = opts.listeners.map((l) => addressOfKey(getPublicKey(l.seed), params));

  const funding = await fund(
    api,
    opts.faucetSeed,
    addresses,
    opts.listeners.map((l) => l.pay.amount + LISTENER_FEE_MONEY),
    log,
  );
  await Promise.all(funding.map((id) => api.waitConfirmed(id, CONFIRM_MS)));
  log(`${addresses.length} listeners funded`);

  return Promise.all(
    opts.listeners.map(async (plan, i) => {
      const address = addresses[i]!;
      const name = `listener ${i + 1} ${address.slice(0, 14)}…`;
      const identity = { roles: ROLE_LISTENER, displayName: `Listener ${i + 1}` };
      const fee = await api.feeFor(registerIdentityPayload(identity));
      const register = signRegisterIdentity(plan.seed, identity, { nonce: 0n, fee, params });
      const registered = await submitOrThrow(api, register, `${name}: register`);
      const payment = await signPayment(api, plan, 1n);
      const paid = await submitOrThrow(api, payment, `${name}: pay`);
      // A play counts only once its listener holds the role (§4.9), so plays wait for the registration.
      await Promise.all([api.waitConfirmed(registered, CONFIRM_MS), api.waitConfirmed(paid, CONFIRM_MS)]);
      log(`${name}: registered, ${describe(plan.pay)}`);

      const nowS = BigInt(Math.floor((opts.now ?? Date.now)() / 1000));
      const total = plan.plays.reduce((sum, p) => sum + p.seconds + PLAY_GAP_S, 0);
      let start = nowS - BigInt(PLAYS_END_BEFORE_NOW_S + total);
      const serialBase = BigInt(Date.now()) * 1000n; // unique across runs of one listener key
      const attestations = plan.plays.map((play, n) => {
        const a = signAttestation(
          plan.seed,
          { songId: play.songId, startS: start, seconds: play.seconds, app, serial: serialBase + BigInt(n) },
          params,
        );
        start += BigInt(play.seconds + PLAY_GAP_S);
        return toHex(encodeAttestation(a));
      });
      if (attestations.length > 0) await postPlays(opts.appUrl, attestations, name);
      log(`${name}: posted ${attestations.length} plays to the app`);
      return { address, registered, paid, plays: attestations.length };
    }),
  );
}

/** Faucet transfers in nonce order; past the node's per-sender queue it waits for blocks. */
async function fund(
  api: NodeApi,
  seed: Uint8Array,
  addresses: readonly string[],
  amounts: readonly bigint[],
  log: (line: string) => void,
): Promise<string[]> {
  const { params } = api;
  const faucet = addressOfKey(getPublicKey(seed), params);
  const ids: string[] = [];
  let nonce = await api.nextNonce(faucet);
  for (const [i, to] of addresses.entries()) {
    const fields = { to, amount: amounts[i]! };
    const fee = await api.feeFor(transferPayload(fields, params));
    for (;;) {
      const result = await api.submit(signTransfer(seed, fields, { nonce, fee, params }));
      if (result.ok) {
        ids.push(result.id);
        nonce++;
        break;
      }
      if (result.code === 'too-many-pending') {
        await sleep(POLL_MS * 10); // the faucet's earlier transfers have to confirm first
        continue;
      }
      if (result.code === 'bad-nonce') {
        nonce = await api.nextNonce(faucet); // someone else spent the faucet's nonce
        continue;
      }
      throw new Error(`faucet → ${to}: the node refused it: ${result.message}`);
    }
    log(`faucet → ${to}: ${formatAlto(fields.amount)} ALTO`);
  }
  return ids;
}

async function signPayment(api: NodeApi, plan: ListenerPlan, nonce: bigint): Promise<Tx> {
  const { params } = api;
  const pay = plan.pay;
  const payload =
    pay.kind === 'subscribe'
      ? subscribePayload({ musician: pay.musician, amount: pay.amount, periods: pay.periods }, params)
      : donatePayload(
          pay.kind === 'donate-song'
            ? { songId: pay.songId, amount: pay.amount }
            : { musician: pay.musician, amount: pay.amount },
          params,
        );
  return signTx(plan.seed, payload, { nonce, fee: await api.feeFor(payload), params });
}

function describe(pay: Payment): string {
  const amount = `${formatAlto(pay.amount)} ALTO`;
  switch (pay.kind) {
    case 'donate-song':
      return `donated ${amount} to song ${pay.songId.slice(0, 12)}…`;
    case 'donate-musician':
      return `donated ${amount} to ${pay.musician.slice(0, 14)}…`;
    case 'subscribe':
      return `subscribed to ${pay.musician.slice(0, 14)}… for ${pay.periods} periods, ${amount}`;
  }
}

async function postPlays(appUrl: string, attestations: readonly string[], name: string): Promise<void> {
  const response = await fetch(`${appUrl}/plays`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ attestations }),
  });
  if (!response.ok) {
    const body = (await response.json()) as { code: string; message: string };
    throw new Error(`${name}: the app refused the plays: ${body.code}: ${body.message}`);
  }
}

// The command line: random listeners over the songs and musicians given.

const USAGE = `usage: listener-sim.ts --song ID:DURATION … [options]
  --api URL          the node's API (default http://127.0.0.1:<the network's API port>)
  --network N        regtest (default) or testnet
  --app URL          the example app (default http://127.0.0.1:27400)
  --listeners N      how many listeners (default 20)
  --song ID:S        a registered song's id (hex) and duration in seconds; repeat for more
  --musician ADDR    a musician some listeners subscribe to; repeat for more
  --plays K          plays per listener (default 5)
  --amount ALTO      the most one listener pays (default 5)
  --faucet-seed HEX  the funding key (default the network's public faucet)`;

interface SongArg {
  readonly id: string;
  readonly durationS: number;
}

function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

/** Random plans: every other listener subscribes when musicians are given, the rest donate to a song. */
export function randomPlans(
  count: number,
  songs: readonly SongArg[],
  musicians: readonly string[],
  plays: number,
  maxAmount: bigint,
  params: NetworkParams,
): ListenerPlan[] {
  const minSeconds = params.music.minPlaySeconds;
  return Array.from({ length: count }, (_, i) => {
    const amount = (maxAmount * BigInt(randomInt(1, 1000))) / 1000n;
    const song = songs[randomInt(0, songs.length - 1)]!;
    const musician = musicians[randomInt(0, musicians.length - 1)];
    const pay: Payment =
      musician !== undefined && i % 2 === 1
        ? { kind: 'subscribe', musician, amount, periods: 1 }
        : { kind: 'donate-song', songId: song.id, amount };
    return {
      seed: randomBytes(32),
      pay,
      plays: Array.from({ length: plays }, () => {
        const s = songs[randomInt(0, songs.length - 1)]!;
        return { songId: s.id, seconds: randomInt(Math.min(minSeconds, s.durationS), s.durationS) };
      }),
    };
  });
}

function repeated(argv: readonly string[], flag: string): string[] {
  return argv.flatMap((arg, i) => (arg === flag && argv[i + 1] !== undefined ? [argv[i + 1]!] : []));
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const single = argv.filter(
    (_, i) =>
      !['--song', '--musician'].includes(argv[i] ?? '') &&
      !['--song', '--musician'].includes(argv[i - 1] ?? ''),
  );
  const flags = parseFlags(
    single,
    ['api', 'network', 'app', 'listeners', 'plays', 'amount', 'faucet-seed'],
    [],
  );
  const params = networkOf(flags);
  const songs = repeated(argv, '--song').map((text) => {
    const [id, duration] = text.split(':');
    const durationS = Number(duration);
    if (id === undefined || !/^[0-9a-f]{64}$/i.test(id) || !Number.isInteger(durationS) || durationS < 1) {
      throw new Error(`--song takes <64 hex digits>:<duration s>, got '${text}'`);
    }
    return { id, durationS };
  });
  if (songs.length === 0) throw new Error(`name at least one --song ID:DURATION\n${USAGE}`);
  const plans = randomPlans(
    Number(flags.listeners ?? 20),
    songs,
    repeated(argv, '--musician'),
    Number(flags.plays ?? 5),
    parseAlto((flags.amount as string | undefined) ?? '5'),
    params,
  );
  const seed =
    flags['faucet-seed'] === undefined
      ? faucetSeed(params)
      : Uint8Array.from(Buffer.from(flags['faucet-seed'] as string, 'hex'));
  const log = (line: string): void => {
    console.log(`${new Date().toISOString()} ${line}`);
  };
  const appUrl = (flags.app as string | undefined) ?? 'http://127.0.0.1:27400';
  const results = await simulateListeners({
    api: (flags.api as string | undefined) ?? `http://127.0.0.1:${params.ports.api}`,
    params,
    appUrl,
    faucetSeed: seed,
    listeners: plans,
    log,
  });
  const paid = plans.reduce((sum, p) => sum + p.pay.amount, 0n);
  const posted = results.reduce((sum, r) => sum + r.plays, 0);
  log(
    `${results.length} listeners paid ${formatAlto(paid)} ALTO and posted ${posted} plays; see ${appUrl}/status`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
