// The client library (src/client/): one signer per transaction type whose
// bytes a node accepts and decodes back to the same transaction, play
// attestations that an independent ed25519 (@noble/curves) verifies over
// §4.9's message, and the payload rules checked before signing, with the
// node's codes.
import { ed25519 } from '@noble/curves/ed25519.js';
import { test } from 'tap';
import * as client from '../../src/client/index.js';
import { checkTxSanity } from '../../src/consensus/tx-rules.js';
import { REGTEST, TESTNET } from '../../src/protocol/params.js';
import { FAUCET_SEED } from '../helpers/txs.js';

const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const ALICE = seed(1);
const LISTENER = seed(2);
const BOB = client.addressOfKey(client.getPublicKey(seed(3)), REGTEST);
const SONG = 'ab'.repeat(32);
const env = { nonce: 7n, fee: 10n ** 15n, validUntil: 90n, params: REGTEST };

function attestation(serial: bigint): client.Attestation {
  return client.signAttestation(
    LISTENER,
    { songId: SONG, startS: 1_800_000_000n, seconds: 180, app: BOB, serial },
    REGTEST,
  );
}

const SIGNED: Readonly<Record<string, () => client.Tx>> = {
  Transfer: () => client.signTransfer(FAUCET_SEED, { to: BOB, amount: 5n, memo: 'hi' }, env),
  RegisterIdentity: () =>
    client.signRegisterIdentity(ALICE, { roles: client.ROLE_MUSICIAN, displayName: 'Alice' }, env),
  RegisterSong: () =>
    client.signRegisterSong(
      ALICE,
      {
        songId: SONG,
        title: 'Song',
        durationS: 200,
        splits: [
          { account: BOB, bp: 2500 },
          { account: client.accountId(client.getPublicKey(ALICE)), bp: 7500 },
        ],
      },
      env,
    ),
  DonateMusician: () => client.signDonate(ALICE, { musician: BOB, amount: 10n ** 18n, memo: 'thanks' }, env),
  DonateSong: () => client.signDonate(ALICE, { songId: SONG, amount: 1n }, env),
  Subscribe: () => client.signSubscribe(ALICE, { musician: BOB, amount: 3n * 10n ** 18n, periods: 3 }, env),
  Stake: () =>
    client.signStake(ALICE, { role: 2, amount: 10n, app: { name: 'app', serviceKey: 'cd'.repeat(32) } }, env),
  Unstake: () => client.signUnstake(ALICE, { role: 1, amount: 10n }, env),
  PlayReport: () =>
    client.signPlayReport(ALICE, { app: BOB, attestations: [attestation(1n), attestation(2n)] }, env),
  Proposal: () => client.signProposal(ALICE, { text: 'louder', votingPeriod: REGTEST.votingPeriod.min }, env),
  Vote: () => client.signVote(ALICE, { proposalId: SONG, choice: 1 }, env),
};

test('every signer builds a tx a node accepts and that decodes back to itself', async (t) => {
  for (const [name, build] of Object.entries(SIGNED)) {
    const tx = build();
    t.doesNotThrow(() => {
      checkTxSanity(tx, REGTEST);
    }, `${name}: sanity and signature pass`);
    t.throws(
      () => {
        checkTxSanity(tx, { ...REGTEST, chainId: 'altostream-other' });
      },
      { code: 'bad-signature' },
      `${name}: signed for regtest only (§2.6)`,
    );
    const bytes = client.encodeTx(tx);
    t.same(client.decodeTx(bytes), tx, `${name}: decodes to what was built`);
    t.equal(tx.nonce, 7n);
    t.equal(tx.validUntil, 90n);
    t.equal(client.txSize(tx.payload), bytes.length, `${name}: size known before signing`);
  }
});

test('an attestation verifies over "ALTO/<chainId>/play" ‖ its first 104 bytes with another ed25519', async (t) => {
  const a = attestation(9n);
  const bytes = client.encodeAttestation(a);
  t.equal(bytes.length, 168);
  const message = new Uint8Array([
    ...new TextEncoder().encode(`ALTO/${REGTEST.chainId}/play`),
    ...bytes.subarray(0, 104),
  ]);
  t.ok(ed25519.verify(a.sig, message, a.listenerKey, { zip215: true }), 'noble verifies it');
  t.ok(client.verifyAttestation(a, REGTEST));
  t.notOk(client.verifyAttestation(a, TESTNET), 'another chain id: not valid');
  t.notOk(client.verifyAttestation({ ...a, seconds: 181 }, REGTEST), 'another play: not valid');
  t.equal(client.toHex(a.songId), SONG);
});

test('decodeAttestation: 168 bytes decode back to the attestation; short is bad-encoding, longer trailing-bytes', async (t) => {
  const a = attestation(11n);
  const bytes = client.encodeAttestation(a);
  t.same(client.decodeAttestation(bytes), a);
  t.throws(() => client.decodeAttestation(bytes.subarray(0, 167)), { code: 'bad-encoding' });
  t.throws(() => client.decodeAttestation(new Uint8Array([...bytes, 0])), { code: 'trailing-bytes' });
});

test('payload rules are checked before signing, with the node codes', async (t) => {
  const cases: [string, () => unknown, string][] = [
    ['zero transfer', () => client.signTransfer(ALICE, { to: BOB, amount: 0n }, env), 'bad-amount'],
    [
      'memo over 256',
      () => client.signDonate(ALICE, { musician: BOB, amount: 1n, memo: 'x'.repeat(257) }, env),
      'oversize',
    ],
    ['roles 4', () => client.signRegisterIdentity(ALICE, { roles: 4 }, env), 'bad-role'],
    [
      'name over 64 bytes',
      () => client.signRegisterIdentity(ALICE, { roles: 1, displayName: 'é'.repeat(33) }, env),
      'oversize',
    ],
    [
      'split sum 9,999',
      () =>
        client.signRegisterSong(
          ALICE,
          { songId: SONG, title: 't', durationS: 1, splits: [{ account: BOB, bp: 9999 }] },
          env,
        ),
      'bad-split',
    ],
    [
      'split twice the same',
      () =>
        client.signRegisterSong(
          ALICE,
          {
            songId: SONG,
            title: 't',
            durationS: 1,
            splits: [
              { account: BOB, bp: 5000 },
              { account: BOB, bp: 5000 },
            ],
          },
          env,
        ),
      'bad-split',
    ],
    [
      'no split',
      () => client.signRegisterSong(ALICE, { songId: SONG, title: 't', durationS: 1, splits: [] }, env),
      'bad-split',
    ],
    [
      'duration 7,201',
      () =>
        client.signRegisterSong(
          ALICE,
          { songId: SONG, title: 't', durationS: 7201, splits: [{ account: BOB, bp: 10000 }] },
          env,
        ),
      'bad-duration',
    ],
    [
      'title over 128',
      () =>
        client.signRegisterSong(
          ALICE,
          { songId: SONG, title: 't'.repeat(129), durationS: 1, splits: [{ account: BOB, bp: 10000 }] },
          env,
        ),
      'oversize',
    ],
    [
      'periods 0',
      () => client.signSubscribe(ALICE, { musician: BOB, amount: 1n, periods: 0 }, env),
      'bad-periods',
    ],
    [
      'periods 367',
      () => client.signSubscribe(ALICE, { musician: BOB, amount: 1n, periods: 367 }, env),
      'bad-periods',
    ],
    ['no attestations', () => client.signPlayReport(ALICE, { app: BOB, attestations: [] }, env), 'bad-count'],
    ['app stake without app', () => client.signStake(ALICE, { role: 2, amount: 1n }, env), 'bad-role'],
    ['choice 4', () => client.signVote(ALICE, { proposalId: SONG, choice: 4 as 1 }, env), 'bad-choice'],
    [
      'testnet address on regtest',
      () =>
        client.signDonate(
          ALICE,
          { musician: client.addressOfAccount(new Uint8Array(20), TESTNET), amount: 1n },
          env,
        ),
      'bad-address',
    ],
    [
      'song id of 31 bytes',
      () => client.signDonate(ALICE, { songId: 'ab'.repeat(31), amount: 1n }, env),
      'bad-hex',
    ],
    ['odd hex', () => client.fromHex('abc'), 'bad-hex'],
  ];
  for (const [name, build, code] of cases) t.throws(build, { code }, name);
});

test('minimumFee: the relay rate × size, and for a PlayReport at least count × PLAY_FEE', async (t) => {
  const transfer = SIGNED.Transfer!().payload;
  t.equal(client.minimumFee(transfer, REGTEST), 10n ** 11n * BigInt(client.txSize(transfer)));
  t.equal(client.minimumFee(transfer, REGTEST, 10n ** 12n), 10n ** 12n * BigInt(client.txSize(transfer)));
  const report = SIGNED.PlayReport!().payload;
  const params = { ...REGTEST, playFee: 10n ** 18n };
  t.equal(client.minimumFee(report, params), 2n * 10n ** 18n, 'two plays at PLAY_FEE beat the size');
  t.equal(client.parseAlto('1.5'), 15n * 10n ** 17n);
  t.equal(client.formatAlto(15n * 10n ** 17n), '1.5');
});
