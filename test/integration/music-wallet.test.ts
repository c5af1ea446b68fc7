// `altostream wallet register|song|donate|subscribe` end to end against a mining
// regtest node (PROTOCOL.md §4.3–§4.6): the faucet registers as a musician and
// a song whose file it hashes, with a 30% holder; a second key registers as a
// listener, donates to the song and the musician and subscribes. Each tx
// confirms, and the balances show §4.5's split: 90% through the song's split,
// 10% to the reserve. A donation to an account without the musician role is
// refused by the node with its code.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'tap';
import { sha256 } from '../../src/crypto/hash.js';
import { encodeAddress } from '../../src/protocol/address.js';
import { parseAlto } from '../../src/protocol/amount.js';
import { REGTEST } from '../../src/protocol/params.js';
import { toHex } from '../../src/util/bytes.js';
import { getJson, mineOn, startNetNode, until, type NetNode } from '../helpers/network.js';
import { ownTempDir } from '../helpers/test-owner.js';
import { confirmedOn, FAUCET_KEY, faucetWallet } from '../helpers/wallet-cli.js';

const HOLDER = encodeAddress(REGTEST.hrp, new Uint8Array(20).fill(0x3c));

const balanceOn = async (node: NetNode, address: string): Promise<bigint> =>
  BigInt((await getJson<{ balance: string }>(`${node.url}/accounts/${address}`)).balance);
const reserveOn = async (node: NetNode): Promise<bigint> =>
  BigInt((await getJson<{ balance: string }>(`${node.url}/reserve`)).balance);

test('register, song, donate and subscribe confirm on a node and pay 90% through the split, 10% to the reserve', async (t) => {
  const a = await startNetNode(t);
  const wallet = await faucetWallet(t);
  const confirmed = async (txid: string): Promise<void> => {
    await until(30_000, `tx ${txid.slice(0, 12)} confirms`, () => confirmedOn(a, txid));
  };
  await mineOn(a);

  const fan = await wallet(a, 'new', '--label', 'fan');
  await confirmed(await wallet(a, 'send', fan, '100', '--from', 'faucet'));
  await confirmed(await wallet(a, 'register', '--musician', '--name', 'Faucet Band', '--from', 'faucet'));
  await confirmed(await wallet(a, 'register', '--listener', '--name', 'Fan', '--from', 'fan'));

  const file = join(ownTempDir(t), 'master.wav');
  const audio = new TextEncoder().encode('RIFF…a master recording');
  writeFileSync(file, audio);
  const songId = toHex(sha256(audio));
  await confirmed(
    await wallet(
      a,
      'song',
      '--file',
      file,
      '--title',
      'Tide',
      '--duration',
      '215',
      '--split',
      `${FAUCET_KEY.address}:7000`,
      '--split',
      `${HOLDER}:3000`,
      '--from',
      'faucet',
    ),
  );

  const reserve0 = await reserveOn(a);
  await confirmed(
    await wallet(a, 'donate', '--song', songId, '10', '--memo', 'for the bridge', '--from', 'fan'),
  );
  t.equal(await balanceOn(a, HOLDER), parseAlto('2.7'), 'the 30% holder: floor(9 ALTO × 3000 / 10000)');
  t.equal(await reserveOn(a), reserve0 + parseAlto('1'), 'the reserve: 10%');

  await confirmed(await wallet(a, 'donate', FAUCET_KEY.address, '1', '--from', 'fan'));
  t.equal(await reserveOn(a), reserve0 + parseAlto('1.1'), 'a donation to the musician: 10% to the reserve');

  const subscription = await wallet(
    a,
    'subscribe',
    FAUCET_KEY.address,
    '0.003',
    '--periods',
    '3',
    '--json',
    '--from',
    'fan',
  );
  const summary = JSON.parse(subscription) as { id: string; kind: string; periods: number };
  t.match(summary, { kind: 'subscribe', periods: 3 });
  await confirmed(summary.id);
  t.equal(await reserveOn(a), reserve0 + parseAlto('1.1003'), 'a subscription: 10% to the reserve');

  await t.rejects(
    wallet(a, 'donate', fan, '1', '--from', 'faucet'),
    /rejected: not-musician/,
    'the node refuses a donation to a listener with its code',
  );
});
