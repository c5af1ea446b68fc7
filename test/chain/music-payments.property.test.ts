// No platform cut (PROTOCOL.md §4.5, §4.6, §8.1), as a property: over random
// sequences of transfers, identity and song registrations (random splits of
// up to 16 holders, some of them accounts that do not exist yet), donations
// to musicians and songs and subscriptions with random amounts and periods,
// and key blocks, every Donate or Subscribe that connects — each alone in its
// microblock, so the block's balance changes are the transaction's — moves
//  - amount + fee out of the sender,
//  - exactly floor(amount/10) into the reserve,
//  - exactly amount − floor(amount/10) into the musician, or into the song's
//    holders floor(a·bp/10000) each with the remainder to the owner,
// and changes no other balance; §6.1 holds after every block.
// ALTOSTREAM_PROPERTY_RUNS sets the number of sequences (CI runs a short version).
import fc from 'fast-check';
import { test } from 'tap';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { RESERVE_ACCOUNT, accountId } from '../../src/protocol/address.js';
import type { Tx, TxPayload } from '../../src/protocol/tx.js';
import { checkTxFields } from '../../src/consensus/tx-rules.js';
import { REGTEST } from '../../src/protocol/params.js';
import { toHex } from '../../src/util/bytes.js';
import { ruleCode } from '../helpers/rule-code.js';
import { balances, expectedGains, unexpectedChange } from '../helpers/music-payments.js';
import { supplyCheckedHarness } from '../helpers/supply.js';
import { signedTx, transfer } from '../helpers/txs.js';

const RUNS = Number(process.env.ALTOSTREAM_PROPERTY_RUNS ?? 60);
const ALTO = 10n ** 18n;
const FEE = 1000n;
const PARTIES = 6;
/** Split holders 0–5 are the parties; 6–15 are accounts that exist only once credited. */
const HOLDERS = 16;
const SONGS = 2;
/** A key block at least every this many microblocks, so block times stay ordered. */
const MICROS_PER_EPOCH = 12;

const seeds = Array.from({ length: PARTIES }, (_, i) => new Uint8Array(32).fill(0x61 + i));
const parties = seeds.map((seed) => accountId(getPublicKey(seed)));
const holders = [
  ...parties,
  ...Array.from({ length: HOLDERS - PARTIES }, (_, i) => new Uint8Array(20).fill(0xd0 + i)),
];
const songIds = Array.from({ length: SONGS }, (_, i) => new Uint8Array(32).fill(0x90 + i));

type Action =
  | { readonly kind: 'key' }
  | { readonly kind: 'transfer'; readonly from: number; readonly to: number; readonly amount: bigint }
  | { readonly kind: 'identity'; readonly who: number; readonly roles: number }
  | {
      readonly kind: 'song';
      readonly who: number;
      readonly song: number;
      readonly holders: number[];
      readonly cuts: number[];
    }
  | { readonly kind: 'donate-musician'; readonly who: number; readonly to: number; readonly amount: bigint }
  | { readonly kind: 'donate-song'; readonly who: number; readonly song: number; readonly amount: bigint }
  | {
      readonly kind: 'subscribe';
      readonly who: number;
      readonly to: number;
      readonly amount: bigint;
      readonly periods: number;
    };

const roles = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: PARTIES, maxLength: PARTIES });
const identity = (who: number, roles: number): TxPayload => ({
  type: 2,
  roles,
  displayName: `p${who}`,
  metadata: new Uint8Array(32),
});
const party = fc.nat({ max: PARTIES - 1 });
// Small, odd and large amounts: floors bite on the small ones, funds run out on the large ones.
const amount = fc.oneof(fc.bigInt(1n, 1000n), fc.bigInt(1n, 50n * ALTO), fc.bigInt(1n, 1500n * ALTO));
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'key' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('transfer' as const), from: party, to: party, amount }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('identity' as const),
      who: party,
      roles: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('song' as const),
      who: party,
      song: fc.nat({ max: SONGS - 1 }),
      holders: fc.uniqueArray(fc.nat({ max: HOLDERS - 1 }), { minLength: 1, maxLength: 5 }),
      // Distinct cut points in 1..9999: consecutive differences are bp > 0 summing to 10,000.
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: 9999 }), { maxLength: 4 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('donate-musician' as const), who: party, to: party, amount }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('donate-song' as const),
      who: party,
      song: fc.nat({ max: SONGS - 1 }),
      amount,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('subscribe' as const),
      who: party,
      to: party,
      amount,
      periods: fc.integer({ min: 1, max: 400 }),
    }),
  },
);

/** The split a 'song' action asks for: as many holders as cut points allow, bp from the sorted cuts. */
function splitsOf(a: Extract<Action, { kind: 'song' }>): { account: Uint8Array; bp: number }[] {
  const count = Math.min(a.holders.length, a.cuts.length + 1);
  const cuts = [0, ...[...a.cuts].slice(0, count - 1).sort((x, y) => x - y), 10_000];
  return a.holders.slice(0, count).map((h, i) => ({ account: holders[h]!, bp: cuts[i + 1]! - cuts[i]! }));
}

function payloadOf(a: Exclude<Action, { kind: 'key' }>): TxPayload {
  const memo = new Uint8Array();
  switch (a.kind) {
    case 'transfer':
      return { type: 1, to: parties[a.to]!, amount: a.amount, memo };
    case 'identity':
      return identity(a.who, a.roles);
    case 'song':
      return {
        type: 3,
        songId: songIds[a.song]!,
        title: 's',
        metadata: new Uint8Array(32),
        durationS: 200,
        splits: splitsOf(a),
      };
    case 'donate-musician':
      return { type: 4, targetKind: 0, target: parties[a.to]!, amount: a.amount, memo };
    case 'donate-song':
      return { type: 4, targetKind: 1, target: songIds[a.song]!, amount: a.amount, memo };
    case 'subscribe':
      return { type: 5, musician: parties[a.to]!, amount: a.amount, periods: a.periods };
  }
}

test('no platform cut: every Donate and Subscribe pays exactly 90% to the musician side and 10% to the reserve, and no one else', async (t) => {
  let payments = 0;
  let splitPayments = 0;
  await fc.assert(
    fc.asyncProperty(
      roles,
      fc.array(action, { minLength: 10, maxLength: 60 }),
      async (initialRoles, actions) => {
        const h = supplyCheckedHarness(t);
        const nonces = new Array<bigint>(PARTIES).fill(0n);
        h.key('k1', 'g', 1);
        h.micro(
          'f',
          'k1',
          parties.map((id, i) => transfer(id, 1000n * 10n ** 18n, { nonce: BigInt(i), fee: FEE })),
        );
        let tip = 'f';
        let micros = 0;
        let n = 0;
        const key = (): void => {
          n++;
          h.key(`k${n + 1}`, tip, (n % 200) + 2);
          tip = `k${n + 1}`;
          micros = 0;
        };
        key();
        // Every party starts with random roles; the actions may add roles (or fail to remove them).
        h.micro(
          'r',
          tip,
          initialRoles.map((r, i) =>
            signedTx({ seed: seeds[i]!, payload: identity(i, r), nonce: 0n, fee: FEE }),
          ),
        );
        tip = 'r';
        nonces.fill(1n);
        for (const a of actions) {
          if (a.kind === 'key' || micros >= MICROS_PER_EPOCH) key();
          if (a.kind === 'key') continue;
          const who = a.kind === 'transfer' ? a.from : a.who;
          const tx: Tx = signedTx({
            seed: seeds[who]!,
            payload: payloadOf(a),
            nonce: nonces[who]!,
            fee: FEE,
          });
          // The leader's dry run checks the state rules; the payload's own ones are checked apart.
          const sane = ruleCode(() => {
            checkTxFields(tx, REGTEST);
          });
          if (sane !== undefined) continue;
          if (h.chain.applicableTxs([tx]).length === 0) continue;
          const view = h.chain.state();
          const song = a.kind === 'donate-song' ? view.song(songIds[a.song]!) : undefined;
          const before = balances(h);
          n++;
          const name = `m${n}`;
          if (h.micro(name, tip, [tx]) !== 'connected') throw new Error(`${name} did not connect`);
          tip = name;
          micros++;
          nonces[who]!++;
          if (a.kind !== 'donate-musician' && a.kind !== 'donate-song' && a.kind !== 'subscribe') continue;
          payments++;
          if (song !== undefined && song.splits.length > 1) splitPayments++;
          const after = balances(h);
          const musician = a.kind === 'donate-song' ? undefined : parties[a.to]!;
          const expected = expectedGains(a.amount, musician, song);
          // A split holder may pay its own song (decision 170): it pays, and gets its share back.
          const payer = toHex(parties[who]!);
          expected.set(payer, (expected.get(payer) ?? 0n) - (a.amount + FEE));
          const wrong = unexpectedChange(before, after, expected);
          if (wrong !== undefined) throw new Error(`${name} (${a.kind} of ${a.amount}): ${wrong}`);
          // The musicians' side is exactly amount − floor(amount/10), the reserve exactly floor(amount/10).
          const reserveGain =
            (after.get(toHex(RESERVE_ACCOUNT)) ?? 0n) - (before.get(toHex(RESERVE_ACCOUNT)) ?? 0n);
          if (reserveGain !== a.amount / 10n) return false;
        }
        return true;
      },
    ),
    { numRuns: RUNS },
  );
  t.ok(
    payments > RUNS && splitPayments > 0,
    `${payments} payments connected and checked (${splitPayments} through a split of ≥ 2)`,
  );
});
