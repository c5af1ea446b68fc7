// `altostream wallet register|song|donate|subscribe` against a stub node: the tx
// each submits decodes to the payload asked for, signed by the --from or
// 'default' key so that consensus accepts it; bad flags exit 2 with a message
// (the flag parsers' codes are asserted directly), before any request.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'tap';
import { sha256 } from '../../src/crypto/hash.js';
import { decodeAddress, encodeAddress } from '../../src/protocol/address.js';
import { parseAlto } from '../../src/protocol/amount.js';
import { REGTEST } from '../../src/protocol/params.js';
import { txId } from '../../src/protocol/tx.js';
import {
  donationPayload,
  identityPayload,
  songIdOfFile,
  songPayload,
  subscriptionPayload,
  SONG_FILE_CHUNK_BYTES,
} from '../../src/wallet/music.js';
import { ownTempDir } from '../helpers/test-owner.js';
import { expectPosted, FAUCET, postedTx, STAKER, stubWallet, expectRefused } from '../helpers/stub-wallet.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const HOLDER = encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(0x5a));
const MUSICIAN = encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(0x6b));
const SONG = 'ef'.repeat(32);
const ZERO32 = new Uint8Array(32);

test('register, song, donate and subscribe post the payloads asked for and print the txid', async (t) => {
  const setUp = await stubWallet(t, [STAKER]);
  const { stub, wallet } = setUp;
  const file = join(ownTempDir(t), 'master.flac');
  const audio = new Uint8Array(SONG_FILE_CHUNK_BYTES + 12345).map((_, i) => (i * 7) & 0xff);
  writeFileSync(file, audio);
  const meta = '11'.repeat(32);
  const cases: [string[], Record<string, unknown>][] = [
    [
      ['register', '--musician', '--name', 'Ada ♪'],
      { type: 2, roles: 1, displayName: 'Ada ♪', metadata: ZERO32 },
    ],
    [
      ['register', '--musician', '--listener', '--metadata', meta],
      { type: 2, roles: 3, displayName: '', metadata: Buffer.from(meta, 'hex') },
    ],
    [['register', '--listener'], { type: 2, roles: 2 }],
    [
      [
        'song',
        '--id',
        SONG.toUpperCase(),
        '--title',
        'Tide',
        '--duration',
        '215',
        '--split',
        `${HOLDER}:2500`,
        '--split',
        `${FAUCET.address}:7500`,
      ],
      {
        type: 3,
        songId: Buffer.from(SONG, 'hex'),
        title: 'Tide',
        metadata: ZERO32,
        durationS: 215,
        splits: [
          { account: decodeAddress(REGTEST.hrp, HOLDER), bp: 2500 },
          { account: decodeAddress(REGTEST.hrp, FAUCET.address), bp: 7500 },
        ],
      },
    ],
    [
      ['song', '--file', file, '--title', 'Ebb', '--duration', '7200'],
      {
        type: 3,
        songId: sha256(audio),
        title: 'Ebb',
        durationS: 7200,
        splits: [{ account: decodeAddress(REGTEST.hrp, FAUCET.address), bp: 10_000 }],
      },
    ],
    [
      ['donate', MUSICIAN, '2.5', '--memo', 'for the bridge'],
      {
        type: 4,
        targetKind: 0,
        target: decodeAddress(REGTEST.hrp, MUSICIAN),
        amount: parseAlto('2.5'),
        memo: new TextEncoder().encode('for the bridge'),
      },
    ],
    [
      ['donate', '--song', SONG, '0.1'],
      {
        type: 4,
        targetKind: 1,
        target: Buffer.from(SONG, 'hex'),
        amount: parseAlto('0.1'),
        memo: new Uint8Array(),
      },
    ],
    [
      ['subscribe', MUSICIAN, '0.003', '--periods', '3'],
      { type: 5, musician: decodeAddress(REGTEST.hrp, MUSICIAN), amount: parseAlto('0.003'), periods: 3 },
    ],
  ];
  await expectPosted(t, setUp, cases, true);
  const json = await wallet('donate', '--song', SONG, '1', '--json');
  t.equal(json.code, 0, json.err);
  t.match(JSON.parse(json.out[0] ?? '{}'), {
    id: hex(txId(postedTx(stub, cases.length))),
    kind: 'donate',
    song: SONG,
    amount: parseAlto('1').toString(),
    from: FAUCET.address,
    status: 'pending',
  });
});

test('bad music flags exit 2 with a message, before any request', async (t) => {
  const setUp = await stubWallet(t, [STAKER]);
  const song = ['song', '--id', SONG, '--title', 'T', '--duration', '60'];
  const cases: [string[], RegExp][] = [
    [['register'], /register takes --musician, --listener or both/],
    [['register', '--musician', '--name', 'x'.repeat(65)], /oversize: --name is 65 bytes/],
    [['register', '--listener', '--metadata', 'abc'], /--metadata takes 64 hex digits/],
    [['register', '--listener', '--periods', '3'], /'register' takes no --periods/],
    [['register', '--listener', 'extra'], /'register' takes no arguments/],
    [['song', '--title', 'T', '--duration', '60'], /song takes one of --id HEX or --file PATH/],
    [
      ['song', '--id', SONG, '--file', 'x', '--title', 'T', '--duration', '60'],
      /one of --id HEX or --file PATH/,
    ],
    [['song', '--id', SONG, '--duration', '60'], /--title is required/],
    [['song', '--id', SONG, '--title', 'T'], /--duration is required/],
    [[...song.slice(0, 5), '--duration', '7201'], /bad-duration: a song lasts 1–7200 s/],
    [[...song.slice(0, 5), '--duration', '0'], /bad-duration/],
    [[...song.slice(0, 5), '--duration', '1.5'], /--duration takes a whole number/],
    [[...song, '--split', `${HOLDER}:9999`], /bad-split/],
    [[...song, '--split', `${HOLDER}:5000`, '--split', `${HOLDER}:5000`], /bad-split/],
    [[...song, '--split', `${HOLDER}:0`, '--split', `${MUSICIAN}:10000`], /bad-split/],
    [[...song, '--split', HOLDER], /--split takes ADDRESS:BP/],
    [[...song, '--split', 'talto1qqqq:10000'], /--split takes a regtest address/],
    [
      ['song', '--id', SONG, '--title', 'x'.repeat(129), '--duration', '60'],
      /oversize: a song lasts 1–7200 s, its title is at most 128 bytes/,
    ],
    [
      ['song', '--file', '/nonexistent/master.flac', '--title', 'T', '--duration', '60'],
      /--file: cannot read/,
    ],
    [['donate', MUSICIAN], /'donate' takes <musician-address> <amount-ALTO>/],
    [['donate', '--song', SONG, MUSICIAN, '1'], /'donate --song HEX' takes <amount-ALTO> only/],
    [['donate', '--song', 'beef', '1'], /--song takes 64 hex digits/],
    [['donate', MUSICIAN, '0'], /<amount-ALTO> must be more than 0 ALTO/],
    [['donate', MUSICIAN.toUpperCase().slice(0, 10), '1'], /<musician-address> takes a regtest address/],
    [['donate', MUSICIAN, '1', '--memo', 'm'.repeat(257)], /--memo takes at most 256 bytes/],
    [['subscribe', MUSICIAN, '1'], /--periods is required/],
    [['subscribe', MUSICIAN, '1', '--periods', '0'], /bad-periods: --periods takes 1–366/],
    [['subscribe', MUSICIAN, '1', '--periods', '367'], /bad-periods/],
    [['subscribe', MUSICIAN, '--periods', '3'], /'subscribe' takes <musician-address> <amount-ALTO>/],
    [['subscribe', 'nobody', '1', '--periods', '3'], /<musician-address> takes a regtest address/],
    [['subscribe', MUSICIAN, '1', '--periods', '3', '--song', SONG], /'subscribe' takes no --song/],
  ];
  await expectRefused(t, setUp, cases);
});

test('the flag parsers refuse with their codes', async (t) => {
  const owner = FAUCET.address;
  const song = { id: SONG, title: 'T', duration: '60' };
  const cases: [string, () => unknown, string][] = [
    ['no role', () => identityPayload({}), 'bad-flag'],
    ['long name', () => identityPayload({ listener: true, name: 'é'.repeat(33) }), 'oversize'],
    ['no id', () => songPayload({ title: 'T', duration: '60' }, owner, REGTEST), 'bad-flag'],
    ['split sum', () => songPayload({ ...song, split: [`${HOLDER}:1`] }, owner, REGTEST), 'bad-split'],
    [
      '17 holders',
      () =>
        songPayload(
          {
            ...song,
            split: Array.from(
              { length: 17 },
              (_, i) =>
                `${encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(i))}:${i === 0 ? 10_000 - 16 * 1 : 1}`,
            ),
          },
          owner,
          REGTEST,
        ),
      'bad-split',
    ],
    ['duration', () => songPayload({ ...song, duration: '7201' }, owner, REGTEST), 'bad-duration'],
    ['title', () => songPayload({ ...song, title: 'x'.repeat(129) }, owner, REGTEST), 'oversize'],
    [
      'bad split address',
      () => songPayload({ ...song, split: ['alto1xyz:10000'] }, owner, REGTEST),
      'bad-address',
    ],
    [
      'donate to a short song id',
      () => donationPayload({ song: 'ab' }, 1n, new Uint8Array(), REGTEST),
      'bad-flag',
    ],
    [
      'donate zero',
      () => donationPayload({ musician: MUSICIAN }, 0n, new Uint8Array(), REGTEST),
      'bad-amount',
    ],
    ['periods', () => subscriptionPayload(MUSICIAN, 1n, '367', REGTEST), 'bad-periods'],
    ['subscribe elsewhere', () => subscriptionPayload('alto1nobody', 1n, '1', REGTEST), 'bad-address'],
  ];
  for (const [name, build, code] of cases) t.throws(build, { code }, name);
  const self = new URL(import.meta.url);
  t.equal(
    hex(songIdOfFile(self.pathname)),
    hex(sha256(readFileSync(self))),
    'H(file) streamed = H(file) whole',
  );
});

test('a music tx the node refuses exits 1 with its code', async (t) => {
  const { stub, wallet } = await stubWallet(t, [STAKER]);
  stub.reject = {
    status: 400,
    code: 'subscription-too-small',
    message: 'amount < periods × MIN_SUBSCRIPTION_PER_PERIOD',
  };
  const result = await wallet('subscribe', MUSICIAN, '0.000001', '--periods', '3');
  t.equal(result.code, 1);
  t.match(result.err, /rejected: subscription-too-small/);
});
