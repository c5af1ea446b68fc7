// POST /txs with PlayReports that break a rule (PROTOCOL.md §2.1, §4.9):
// malformed payloads (short, truncated attestations, trailing bytes, over
// 1,000 attestations), zero attestations, attestations for another app or of
// 0 seconds, a fee under count × PLAY_FEE, a forged report signature, and
// rules against the state and the clock. Each answers 400 with its code, and
// neither the pool nor the state changes; a good report is then accepted.
import type { FastifyInstance } from 'fastify';
import { test } from 'tap';
import { Writer } from '../../src/protocol/codec.js';
import { REGTEST } from '../../src/protocol/params.js';
import { domainMessage } from '../../src/protocol/signing-domain.js';
import { sign } from '../../src/crypto/ed25519.js';
import { MAX_TX_BYTES, encodeAttestation, encodeTx, type Attestation } from '../../src/protocol/tx.js';
import { ChainHarness, HARNESS_NOW_MS } from '../helpers/chain-harness.js';
import { apiOnHarness } from '../helpers/harness-api.js';
import { Party, report } from '../helpers/plays.js';
import { transfer } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const FEE = 10n ** 15n;
const META = new Uint8Array(32);
const SONG = new Uint8Array(32).fill(0x33);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
// The mempool judges the window by its clock (decision 173): t = the harness's now.
const NOW_S = BigInt(HARNESS_NOW_MS / 1000);

/** A signed transaction of type 8 from `from` whose payload is exactly `payload`. */
function rawReport(from: Party, payload: Uint8Array, fee = FEE): Uint8Array {
  const unsigned = new Writer()
    .u8(1)
    .u8(8)
    .fixed(from.key, 32)
    .u64(from.nonce)
    .u128(fee)
    .u64(0n)
    .bytesOf(payload, MAX_TX_BYTES)
    .finish();
  const signature = sign(domainMessage(REGTEST.chainId, 'tx', unsigned), from.seed);
  return new Writer().raw(unsigned).fixed(signature, 64).finish();
}

/** `bytes` with the last bit of its signature flipped. */
const forgedTx = (bytes: Uint8Array): Uint8Array =>
  Uint8Array.from(bytes, (b, i) => (i === bytes.length - 1 ? b ^ 1 : b));

/** app ‖ varint count ‖ the attestations' bytes (a count that may lie). */
const payloadOf = (app: Uint8Array, list: readonly Attestation[], count = list.length): Uint8Array => {
  const w = new Writer().fixed(app, 20).varint(count);
  for (const a of list) w.raw(encodeAttestation(a));
  return w.finish();
};

async function post(app: FastifyInstance, bytes: Uint8Array): Promise<{ status: number; code: unknown }> {
  const response = await app.inject({ method: 'POST', url: '/txs', payload: { hex: hex(bytes) } });
  return { status: response.statusCode, code: response.json<{ code?: unknown }>().code };
}

test('POST /txs: malformed or rule-breaking play reports get a clear code and change nothing', async (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const [player, musician, listener, other] = [0x61, 0x62, 0x63, 0x64].map((b) => new Party(b));
  if (player === undefined || musician === undefined || listener === undefined || other === undefined) return;
  h.key('a', 'g');
  h.micro(
    'a1',
    'a',
    [player, musician, listener, other].map((p, i) =>
      transfer(p.id, 10n * ALTO, { nonce: BigInt(i), fee: FEE }),
    ),
  );
  h.key('b', 'a1');
  h.micro('b1', 'b', [
    musician.tx({ type: 2, roles: 1, displayName: 'm', metadata: META }, { fee: FEE }),
    listener.tx({ type: 2, roles: 2, displayName: 'l', metadata: META }, { fee: FEE }),
    player.tx({ type: 6, role: 2, amount: ALTO, app: { name: 'p', serviceKey: other.key } }, { fee: FEE }),
  ]);
  h.micro('b2', 'b1', [
    musician.tx(
      {
        type: 3,
        songId: SONG,
        title: 't',
        metadata: META,
        durationS: 60,
        splits: [{ account: musician.id, bp: 10_000 }],
      },
      { fee: FEE },
    ),
  ]);
  const api = await apiOnHarness(t, h, REGTEST);
  const costly = await apiOnHarness(t, h, { ...REGTEST, playFee: FEE });
  const digest = h.digest();
  const good = listener.play(SONG, player.id, NOW_S - 100n, 60);
  const one = payloadOf(player.id, [good]);
  const cases: [string, string, Uint8Array, FastifyInstance?][] = [
    ['a short payload', 'bad-encoding', rawReport(player, player.id.subarray(0, 19))],
    ['a truncated attestation', 'bad-encoding', rawReport(player, one.subarray(0, one.length - 1))],
    ['a count larger than the list', 'bad-encoding', rawReport(player, payloadOf(player.id, [good], 2))],
    ['trailing bytes', 'trailing-bytes', rawReport(player, Uint8Array.of(...one, 0))],
    ['1,001 attestations', 'oversize', rawReport(player, payloadOf(player.id, [], 1001))],
    ['zero attestations', 'bad-count', rawReport(player, payloadOf(player.id, []))],
    [
      'an attestation for another app',
      'bad-attestation',
      rawReport(player, payloadOf(player.id, [good, listener.play(SONG, other.id, NOW_S - 50n, 30)])),
    ],
    [
      'an attestation of 0 seconds',
      'bad-attestation',
      rawReport(player, payloadOf(player.id, [listener.play(SONG, player.id, NOW_S - 50n, 0)])),
    ],
    [
      'longer than the song',
      'bad-attestation',
      rawReport(player, payloadOf(player.id, [listener.play(SONG, player.id, NOW_S - 500n, 61)])),
    ],
    ['a fee under count × PLAY_FEE', 'fee-too-low', rawReport(player, one, FEE - 1n), costly],
    [
      'an app with no stake',
      'not-app',
      rawReport(other, payloadOf(other.id, [listener.play(SONG, other.id, NOW_S - 50n, 30)])),
    ],
    ['a sender that is neither the app nor its service key', 'not-app-key', rawReport(listener, one)],
    [
      'an unregistered song',
      'unknown-song',
      rawReport(
        player,
        payloadOf(player.id, [listener.play(new Uint8Array(32).fill(9), player.id, NOW_S - 50n, 30)]),
      ),
    ],
    [
      'a play older than the window',
      'play-too-old',
      rawReport(player, payloadOf(player.id, [listener.play(SONG, player.id, NOW_S - 86_401n, 30)])),
    ],
    [
      'a play ending after t + 120',
      'play-in-future',
      rawReport(player, payloadOf(player.id, [listener.play(SONG, player.id, NOW_S + 100n, 30)])),
    ],
    [
      'a forged listener signature',
      'bad-attestation-signature',
      rawReport(player, payloadOf(player.id, [good, { ...good, serial: 99n }])),
    ],
    ['a serial twice', 'duplicate-play', rawReport(player, payloadOf(player.id, [good, good]))],
    // Its own signature is checked before its attestations' (decision 175).
    [
      'a forged report of forged plays',
      'bad-signature',
      forgedTx(rawReport(player, payloadOf(player.id, [good, { ...good, serial: 99n }]))),
    ],
  ];
  for (const [what, code, bytes, on] of cases) {
    t.same(await post(on ?? api, bytes), { status: 400, code }, what);
  }
  for (const on of [api, costly]) {
    const pool = await on.inject({ method: 'GET', url: '/mempool' });
    t.equal(pool.json<{ count: number }>().count, 0, 'nothing entered the pool');
  }
  t.equal(h.digest(), digest, 'the state is unchanged');
  // The app's well-formed report is accepted, from the app and from its service key.
  t.equal((await post(api, rawReport(player, one))).status, 200);
  const byKey = encodeTx(
    other.tx(report(player.id, [listener.play(SONG, player.id, NOW_S - 300n, 30)]), { fee: FEE }),
  );
  t.equal((await post(api, byKey)).status, 200);
});
