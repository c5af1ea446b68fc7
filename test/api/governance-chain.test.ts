// The governance routes and events on a chain where Proposal and Vote go
// through blocks and the tally, the apply step and settlement run as
// KeyConnect runs them: what the API shows is what the rules did.
//
//   g ── k1 ── m1 (faucet funds A and B; A bonds 5, B 1 ALTO) ── k2 ── m2 (A proposes MIN_PLAY_SECONDS := 45, end 3;
//        A pays 2 ALTO to the reserve) ── k3 ── m3 (A yes, B no) ── k4 (tally: passed) ── k5 ── k6 (applied) … k11 (settlement)
import type { AddressInfo } from 'node:net';
import { test } from 'tap';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { RESERVE_ACCOUNT, accountId, encodeAddress } from '../../src/protocol/address.js';
import { REGTEST } from '../../src/protocol/params.js';
import { txId, type Tx, type TxPayload } from '../../src/protocol/tx.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { apiOnHarness } from '../helpers/harness-api.js';
import { SseClient } from '../helpers/sse.js';
import { FAUCET_SEED, signedTx } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const addr = (account: Uint8Array): string => encodeAddress(REGTEST.hrp, account);

class Signer {
  nonce = 0n;
  readonly account: Uint8Array;
  constructor(readonly seed: Uint8Array) {
    this.account = accountId(getPublicKey(seed));
  }
  tx(payload: TxPayload): Tx {
    return signedTx({ seed: this.seed, payload, nonce: this.nonce++, fee: 1000n });
  }
}
const pay = (to: Uint8Array, amount: bigint): TxPayload => ({ type: 1, to, amount, memo: new Uint8Array() });

test('a proposal through blocks: open with the tally so far, tallied, applied; events; the reserve paid to the voters', async (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const faucet = new Signer(FAUCET_SEED);
  const a = new Signer(new Uint8Array(32).fill(0x41));
  const b = new Signer(new Uint8Array(32).fill(0x42));
  h.key('k1', 'g');
  t.equal(
    h.micro('m1', 'k1', [
      faucet.tx(pay(a.account, 20n * ALTO)),
      faucet.tx(pay(b.account, 20n * ALTO)),
      a.tx({ type: 6, role: 3, amount: 5n * ALTO }),
      b.tx({ type: 6, role: 3, amount: ALTO }),
    ]),
    'connected',
  );
  h.key('k2', 'm1');
  const proposal = a.tx({
    type: 9,
    kind: 1,
    votingPeriod: 2,
    text: 'longer plays',
    change: { paramId: 5, value: 45n },
  });
  t.equal(h.micro('m2', 'k2', [proposal, a.tx(pay(RESERVE_ACCOUNT, 2n * ALTO))]), 'connected');
  const id = hex(txId(proposal));
  h.key('k3', 'm2');
  t.equal(
    h.micro('m3', 'k3', [
      a.tx({ type: 10, proposalId: txId(proposal), choice: 1 }),
      b.tx({ type: 10, proposalId: txId(proposal), choice: 2 }),
    ]),
    'connected',
  );
  const app = await apiOnHarness(t, h, REGTEST);
  const get = async (url: string): Promise<Record<string, unknown>> =>
    (await app.inject({ method: 'GET', url })).json<Record<string, unknown>>();
  const common = {
    id,
    proposer: addr(a.account),
    kind: 1,
    kindName: 'param-change',
    text: 'longer plays',
    param: { id: 5, name: 'MIN_PLAY_SECONDS', value: '45' },
    deposit: ALTO.toString(),
    end: 3,
    window: { start: 2, end: 3, votingPeriod: 2 },
  };
  // A (5) yes, B (1) no of B = 6 ALTO: quorum, and 15 > 12 passes.
  t.same(await get(`/proposals/${id}`), {
    ...common,
    status: 'open',
    statusCode: 0,
    height: 3,
    tally: {
      tallied: false,
      yes: (5n * ALTO).toString(),
      no: ALTO.toString(),
      abstain: '0',
      votes: 2,
      bondedWeight: (6n * ALTO).toString(),
      quorum: true,
      pass: true,
    },
  });
  h.key('k4', 'm3');
  t.same(await get(`/proposals/${id}`), {
    ...common,
    status: 'passed',
    statusCode: 3,
    height: 4,
    tally: {
      tallied: true,
      yes: (5n * ALTO).toString(),
      no: ALTO.toString(),
      abstain: '0',
      votes: 2,
      bondedWeight: null,
      quorum: true,
      pass: true,
    },
  });
  // Scheduled at end + 1 + PARAM_CHANGE_DELAY (2) = 6.
  t.same((await get('/params')).scheduled, [
    { applyHeight: 6, paramId: 5, name: 'MIN_PLAY_SECONDS', value: '45', proposal: id },
  ]);
  h.key('k5', 'k4');
  h.key('k6', 'k5');
  const params = await get('/params');
  t.same(params.scheduled, []);
  t.match((params.params as unknown[])[4], { id: 5, value: '45', initial: '30', changed: true });
  t.match(await get('/proposals?status=applied'), { proposals: [{ id, status: 'applied' }], next: null });

  // Both voted (last_voted_end 3 ≥ 11 − 20): the reserve's 2 ALTO (no deposit was forfeited) split by W/B.
  const reserve = 2n * ALTO;
  t.match(await get('/reserve'), {
    balance: reserve.toString(),
    nextSettlement: {
      height: 11,
      bondedWeight: (6n * ALTO).toString(),
      voters: 2,
      voterWeight: (6n * ALTO).toString(),
      payout: ((reserve * 5n) / 6n + reserve / 6n).toString(),
    },
    distributions: [],
  });
  let parent = 'k6';
  for (let k = 7; k <= 11; k++) {
    h.key(`k${k}`, parent);
    parent = `k${k}`;
  }
  const paid = (reserve * 5n) / 6n + reserve / 6n;
  t.match(await get('/reserve'), {
    height: 11,
    balance: (reserve - paid).toString(),
    nextSettlement: { height: 21 },
    distributions: [{ height: 11, maturity: 13, total: paid.toString(), recipients: 2 }],
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const sse = await SseClient.open(
    `${url}/events?from=0&types=block_connected,proposal_tallied,param_applied`,
  );
  t.teardown(() => {
    sse.close();
  });
  const tip = h.entry('k11').hex;
  await sse.wait((m) => m.some((e) => e.data.id === tip));
  const governance = sse.messages.filter((m) => m.event !== 'block_connected');
  t.same(
    governance.map((m) => m.data),
    [
      {
        type: 'proposal_tallied',
        id,
        kind: 1,
        status: 'passed',
        statusCode: 3,
        yes: (5n * ALTO).toString(),
        no: ALTO.toString(),
        abstain: '0',
        end: 3,
        height: 4,
        block: h.entry('k4').hex,
      },
      {
        type: 'param_applied',
        param: 5,
        name: 'MIN_PLAY_SECONDS',
        value: '45',
        proposal: id,
        status: 'applied',
        statusCode: 4,
        height: 6,
        block: h.entry('k6').hex,
      },
    ],
  );
  const next = (i: number): unknown => sse.messages[sse.messages.indexOf(governance[i]!) + 1]?.data.id;
  t.equal(next(0), h.entry('k4').hex, 'the tally is told just before k4');
  t.equal(next(1), h.entry('k6').hex, 'the apply just before k6');
});
