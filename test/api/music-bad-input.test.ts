// Bad input to the music routes: a malformed address, song id, period or
// limit is a 400 with a code and the field; an unknown musician, song or
// listener, or a period not settled, a 404 with a code. Nothing crashes and
// the node answers the next request.
import { test } from 'tap';
import { encodeAddress } from '../../src/protocol/address.js';
import { REGTEST } from '../../src/protocol/params.js';
import { apiOnHarness } from '../helpers/harness-api.js';
import { SONG_X, musicParties, registered } from '../helpers/music-chain.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('malformed input is a 400 with its code, unknown things a 404 with theirs', async (t) => {
  const p = musicParties();
  const h = registered((fn) => {
    t.teardown(fn);
  }, p);
  const app = await apiOnHarness(t, h);
  const m = encodeAddress(REGTEST.hrp, p.m.id);
  const a = encodeAddress(REGTEST.hrp, p.a.id);
  const stranger = encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(0xee));
  const otherNetwork = encodeAddress('talto', p.m.id);
  const mixedCase = m.slice(0, 10) + m.slice(10).toUpperCase();
  const cases: [string, number, string][] = [
    ['/musicians/alto1xyz', 400, 'bad-address'],
    [`/musicians/${otherNetwork}`, 400, 'bad-address'],
    [`/musicians/${mixedCase}`, 400, 'bad-address'],
    [`/musicians/${m.slice(0, -1)}q`, 400, 'bad-address'],
    [`/listeners/not-an-address`, 400, 'bad-address'],
    [`/musicians/${stranger}`, 404, 'unknown-musician'],
    [`/musicians/${a}`, 404, 'unknown-musician'],
    [`/listeners/${stranger}`, 404, 'unknown-listener'],
    [`/listeners/${m}`, 404, 'unknown-listener'],
    ['/songs/xyz', 400, 'bad-song-id'],
    [`/songs/${hex(SONG_X).toUpperCase()}`, 400, 'bad-song-id'],
    [`/songs/${hex(SONG_X)}00`, 400, 'bad-song-id'],
    [`/songs/${'ab'.repeat(50)}`, 400, 'bad-song-id'],
    [`/songs/${'ab'.repeat(100)}`, 414, 'uri-too-long'],
    [`/songs/${'00'.repeat(32)}`, 404, 'unknown-song'],
    ['/periods/abc', 400, 'bad-integer'],
    ['/periods/-1', 400, 'bad-integer'],
    ['/periods/01', 400, 'bad-integer'],
    ['/periods/1e3', 400, 'bad-integer'],
    ['/periods/99999999999999999999', 400, 'bad-integer'],
    ['/periods/0', 404, 'period-not-settled'],
    ['/periods/9007199254740991', 404, 'period-not-settled'],
    ['/charts?limit=0', 400, 'bad-request'],
    ['/charts?limit=1001', 400, 'bad-request'],
    ['/charts?limit=abc', 400, 'bad-integer'],
    ['/charts?limit=1&limit=2', 400, 'bad-integer'],
    ['/charts?top=3', 400, 'unknown-field'],
    [`/songs/${hex(SONG_X)}?x=1`, 400, 'unknown-field'],
  ];
  for (const [url, status, code] of cases) {
    const response = await app.inject({ method: 'GET', url });
    t.same([response.statusCode, response.json<{ code: string }>().code], [status, code], url);
  }
  const limit = await app.inject({ method: 'GET', url: '/charts?limit=0' });
  t.equal(limit.json<{ field?: string }>().field, 'limit', 'the field at fault is named');
  const id = await app.inject({ method: 'GET', url: '/songs/xyz' });
  t.equal(id.json<{ field?: string }>().field, 'id');
  const fine = await app.inject({ method: 'GET', url: `/songs/${hex(SONG_X)}` });
  t.equal(fine.statusCode, 200, 'the next request is answered');
});
