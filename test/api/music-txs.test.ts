// POST /txs with RegisterIdentity, RegisterSong, Donate and Subscribe
// transactions that break a rule (PROTOCOL.md §2.1, §4.3–§4.6): malformed
// payloads (short, trailing bytes, oversize strings and lists, bad UTF-8, an
// unknown target kind), values out of range, and rules against the state
// (roles, songs, self-payment, the subscription minimum). Each answers 400
// with its code, and neither the pool nor the state changes.
import type { FastifyInstance } from 'fastify';
import { test } from 'tap';
import { getPublicKey, sign } from '../../src/crypto/ed25519.js';
import { sha256 } from '../../src/crypto/hash.js';
import { accountId } from '../../src/protocol/address.js';
import { Writer } from '../../src/protocol/codec.js';
import { REGTEST } from '../../src/protocol/params.js';
import { domainMessage } from '../../src/protocol/signing-domain.js';
import { MAX_TX_BYTES, decodeTx, encodeTx, txId, type TxPayload } from '../../src/protocol/tx.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { apiOnHarness } from '../helpers/harness-api.js';
import { signedTx, transfer } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const FEE = 10n ** 15n;
const seedOf = (tag: string): Uint8Array => sha256(new TextEncoder().encode(`music api ${tag}`));
const MUSICIAN = seedOf('musician');
const LISTENER = seedOf('listener');
const idOf = (seed: Uint8Array): Uint8Array => accountId(getPublicKey(seed));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const SONG = new Uint8Array(32).fill(0x33);
const META = new Uint8Array(32);

/** A signed transaction of `type` whose payload is exactly `payload`, well-formed or not. */
function rawTx(seed: Uint8Array, nonce: bigint, type: number, payload: Uint8Array): Uint8Array {
  const unsigned = new Writer()
    .u8(1)
    .u8(type)
    .fixed(getPublicKey(seed), 32)
    .u64(nonce)
    .u128(FEE)
    .u64(0n)
    .bytesOf(payload, MAX_TX_BYTES)
    .finish();
  const signature = sign(domainMessage(REGTEST.chainId, 'tx', unsigned), seed);
  return new Writer().raw(unsigned).fixed(signature, 64).finish();
}

const w = (): Writer => new Writer();
const identityBytes = (roles: number, name: Writer = w().string('n', 64)): Uint8Array =>
  w().u8(roles).raw(name.finish()).fixed(META, 32).finish();
const songBytes = (title: Uint8Array, duration: number, splits: [Uint8Array, number][]): Uint8Array =>
  w()
    .fixed(new Uint8Array(32).fill(0x44), 32)
    .raw(title)
    .fixed(META, 32)
    .u32(duration)
    .list(splits, 100, (lw, [account, bp]) => lw.fixed(account, 20).u16(bp))
    .finish();

async function post(app: FastifyInstance, bytes: Uint8Array): Promise<{ status: number; code: unknown }> {
  const response = await app.inject({ method: 'POST', url: '/txs', payload: { hex: hex(bytes) } });
  return { status: response.statusCode, code: response.json<{ code?: unknown }>().code };
}

test('POST /txs: malformed or rule-breaking identities, songs, donations and subscriptions get a clear code and change nothing', async (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const musician = idOf(MUSICIAN);
  const listener = idOf(LISTENER);
  h.key('a', 'g');
  h.micro('a1', 'a', [
    transfer(musician, 10n * ALTO, { nonce: 0n, fee: FEE }),
    transfer(listener, 10n * ALTO, { nonce: 1n, fee: FEE }),
  ]);
  h.key('b', 'a1');
  const payload = (p: TxPayload, seed: Uint8Array, nonce: bigint) =>
    signedTx({ seed, nonce, fee: FEE, payload: p });
  h.micro('b1', 'b', [
    payload({ type: 2, roles: 3, displayName: 'm', metadata: META }, MUSICIAN, 0n),
    payload({ type: 2, roles: 2, displayName: 'l', metadata: META }, LISTENER, 0n),
  ]);
  h.micro('b2', 'b1', [
    payload(
      {
        type: 3,
        songId: SONG,
        title: 't',
        metadata: META,
        durationS: 60,
        splits: [{ account: musician, bp: 10_000 }],
      },
      MUSICIAN,
      1n,
    ),
  ]);
  t.equal(h.tipName(), 'b2');
  const app = await apiOnHarness(t, h, REGTEST);
  const digest = h.digest();
  const l = (type: number, bytes: Uint8Array): Uint8Array => rawTx(LISTENER, 1n, type, bytes);
  const m = (type: number, bytes: Uint8Array): Uint8Array => rawTx(MUSICIAN, 2n, type, bytes);
  const badUtf8 = w().varint(2).raw(Uint8Array.of(0xc3, 0x28));
  const amount = (n: bigint): Uint8Array => w().u128(n).finish();
  const donation = (kind: number, target: Uint8Array, n: bigint): Uint8Array =>
    w().u8(kind).raw(target).raw(amount(n)).bytesOf(new Uint8Array(), 256).finish();
  const subscription = (to: Uint8Array, n: bigint, periods: number): Uint8Array =>
    w().fixed(to, 20).u128(n).u16(periods).finish();
  const halfSplit: [Uint8Array, number][] = [
    [musician, 5000],
    [listener, 4000],
  ];
  const cases: [string, string, Uint8Array][] = [
    // RegisterIdentity (§4.3)
    ['identity: a short payload', 'bad-encoding', l(2, Uint8Array.of(2))],
    ['identity: trailing bytes', 'trailing-bytes', l(2, w().raw(identityBytes(2)).u8(0).finish())],
    ['identity: roles 0', 'bad-role', l(2, identityBytes(0))],
    ['identity: roles 4', 'bad-role', l(2, identityBytes(4))],
    [
      'identity: a 65-byte name',
      'oversize',
      l(2, identityBytes(2, w().varint(65).raw(new Uint8Array(65).fill(0x61)))),
    ],
    ['identity: a name of bad UTF-8', 'bad-utf8', l(2, identityBytes(2, badUtf8))],
    ['identity: dropping the musician role', 'role-removal', m(2, identityBytes(2))],
    // RegisterSong (§4.4)
    [
      'song: a 129-byte title',
      'oversize',
      m(3, songBytes(w().varint(129).raw(new Uint8Array(129).fill(0x61)).finish(), 60, [[musician, 10_000]])),
    ],
    [
      'song: 17 split holders',
      'oversize',
      m(
        3,
        songBytes(
          w().string('t', 128).finish(),
          60,
          Array.from(
            { length: 17 },
            (_, i) => [new Uint8Array(20).fill(i), i === 0 ? 2000 : 500] as [Uint8Array, number],
          ),
        ),
      ),
    ],
    [
      'song: splits that do not sum to 10,000',
      'bad-split',
      m(3, songBytes(w().string('t', 128).finish(), 60, halfSplit)),
    ],
    ['song: no split', 'bad-split', m(3, songBytes(w().string('t', 128).finish(), 60, []))],
    [
      'song: duration 0',
      'bad-duration',
      m(3, songBytes(w().string('t', 128).finish(), 0, [[musician, 10_000]])),
    ],
    [
      'song: duration 7,201 s',
      'bad-duration',
      m(3, songBytes(w().string('t', 128).finish(), 7201, [[musician, 10_000]])),
    ],
    [
      'song: a sender without the musician role',
      'not-musician',
      l(3, songBytes(w().string('t', 128).finish(), 60, [[musician, 10_000]])),
    ],
    // Donate (§4.5)
    ['donate: target kind 2', 'bad-target-kind', l(4, donation(2, SONG, ALTO))],
    ['donate: a short target', 'bad-encoding', l(4, w().u8(0).raw(new Uint8Array(19)).finish())],
    ['donate: amount 0', 'bad-amount', l(4, donation(0, musician, 0n))],
    ['donate: to an account without the musician role', 'not-musician', m(4, donation(0, listener, ALTO))],
    ['donate: to an unknown song', 'unknown-song', l(4, donation(1, new Uint8Array(32).fill(9), ALTO))],
    ['donate: to oneself', 'self-payment', m(4, donation(0, musician, ALTO))],
    ['donate: to one’s own song', 'self-payment', m(4, donation(1, SONG, ALTO))],
    ['donate: more than the balance', 'insufficient-funds', l(4, donation(0, musician, 100n * ALTO))],
    // Subscribe (§4.6)
    ['subscribe: a short payload', 'bad-encoding', l(5, w().fixed(musician, 20).u128(ALTO).finish())],
    ['subscribe: periods 0', 'bad-periods', l(5, subscription(musician, ALTO, 0))],
    ['subscribe: periods 367', 'bad-periods', l(5, subscription(musician, ALTO, 367))],
    ['subscribe: amount 0', 'bad-amount', l(5, subscription(musician, 0n, 1))],
    [
      'subscribe: below periods × the minimum',
      'subscription-too-small',
      l(5, subscription(musician, 2n * (ALTO / 1000n) - 1n, 2)),
    ],
    ['subscribe: to oneself', 'self-payment', m(5, subscription(musician, ALTO, 1))],
    ['subscribe: to a listener', 'not-musician', m(5, subscription(listener, ALTO, 1))],
  ];
  for (const [what, code, bytes] of cases) {
    t.same(await post(app, bytes), { status: 400, code }, what);
  }
  const pool = await app.inject({ method: 'GET', url: '/mempool' });
  t.equal(pool.json<{ count: number }>().count, 0, 'nothing entered the pool');
  t.equal(h.digest(), digest, 'the state is unchanged');
  // The same senders' well-formed transactions are accepted.
  const donated = l(4, donation(1, SONG, ALTO));
  t.equal((await post(app, donated)).status, 200);
  const shown = await app.inject({ method: 'GET', url: `/txs/${hex(txId(decodeTx(donated)))}` });
  t.match(shown.json(), {
    status: 'pending',
    tx: { type: 4, payload: { targetKind: 1, amount: ALTO.toString() } },
  });
  t.equal(
    (await post(app, encodeTx(payload({ type: 5, musician, amount: ALTO, periods: 3 }, LISTENER, 2n))))
      .status,
    200,
  );
});
