import { test } from 'tap';
import { parseAlto } from '../../src/protocol/amount.js';
import { REGTEST } from '../../src/protocol/params.js';
import { PREFIX_ACCOUNT, decodeAccount } from '../../src/state/entries.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { startTestNode } from '../helpers/node.js';
import { signedTx, transfer } from '../helpers/txs.js';

const ALICE = new Uint8Array(20).fill(0xa1);
/** The fee paid in epoch h: distinct per epoch and odd, so the 40/60 split has a remainder. */
const feeOf = (h: number): bigint => BigInt(h) * 10n ** 15n + BigInt(h);

interface Supply {
  minted: string;
  burned: string;
  bonded: string;
  unbonding: string;
  escrow: string;
  cap: string;
  height: number;
  pending: { mint: string; transfer: string };
  schedule: {
    height: number;
    base: string;
    next: string;
    halvingInterval: number;
    nextHalvingHeight: number | null;
    allocation: string;
    scheduledTotal: string;
  };
}

test('supply: GET /supply reports pending mint and transfer credits and the §6.2 schedule (regtest)', async (t) => {
  //   g -> k1 -> m1 -> k2 -> m2 -> k3 -> m3 -> k4 -> m4 -> k5 -> m5     m_h carries one transfer paying fee f_h
  const builder = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  let parent = 'g';
  for (let h = 1; h <= 5; h++) {
    builder.key(`k${h}`, parent, h);
    builder.micro(`m${h}`, `k${h}`, [transfer(ALICE, 1n, { nonce: BigInt(h - 1), fee: feeOf(h) })]);
    parent = `m${h}`;
  }
  const { url, node } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  for (let h = 1; h <= 5; h++) {
    for (const name of [`k${h}`, `m${h}`])
      t.equal(node.chain.add(builder.blocks.get(name)!), 'connected', name);
  }

  const supply = (await (await fetch(`${url}/supply`)).json()) as Supply;
  // REWARD_MATURITY = 2 (§12): at tip height 5 the entries created by KeyConnect(4) and KeyConnect(5) are
  // pending (maturity 6 and 7); those of 1..3 matured at 3..5 (§3.10).
  // Mint: the miner share (kind 1) of sched(4) and sched(5); S = 12.5 ALTO gives the miner 3 ALTO (§6.3).
  t.equal(supply.pending.mint, parseAlto('6').toString(), 'two unmatured miner shares of 3 ALTO');
  // Transfer: KeyConnect(c) splits the fees of epoch c − 1 into kinds 2 and 3 (§3.7), which add up to them.
  t.equal(supply.pending.transfer, (feeOf(3) + feeOf(4)).toString(), 'the fees of epochs 3 and 4');
  // Minted: the 1,000,000 ALTO allocation and the three matured miner shares; fees mint nothing.
  t.equal(supply.minted, parseAlto('1000009').toString());
  t.equal(supply.burned, '0');
  t.equal(supply.cap, parseAlto('25000000').toString());
  t.equal(supply.height, 5);

  // §6.2 on regtest by hand: BASE 12.5 ALTO halving every 150 heights, so heights 1..150 get 12.5 and
  // the first halving is at 151. Σ_k floor(BASE / 2^k) over the 64 eras is 24.999999999999999974 ALTO
  // (§6.2 gives 10^6 times that for mainnet); 150 heights per era make 3,749.9999999999999961 ALTO,
  // far below CAP − G = 24,000,000 ALTO, so the clamp never binds and G + Σ sched = G + Σ base.
  t.same(supply.schedule, {
    height: 6,
    base: parseAlto('12.5').toString(),
    next: parseAlto('12.5').toString(),
    halvingInterval: 150,
    nextHalvingHeight: 151,
    allocation: parseAlto('1000000').toString(),
    scheduledTotal: parseAlto('1003749.9999999999999961').toString(),
  });

  // §6.1's invariant with what this node applies so far (no deposits yet):
  // Σ balances + bonded + unbonding + pending transfers + fee accumulator = minted − burned.
  const state = node.chain.state();
  const balances = state
    .range(Uint8Array.of(PREFIX_ACCOUNT), Uint8Array.of(PREFIX_ACCOUNT + 1))
    .reduce((sum, { value }) => sum + decodeAccount(value).balance, 0n);
  const fees = state.counters().fees;
  t.equal(fees, feeOf(5), 'the open epoch 5 holds its fees');
  t.equal(supply.bonded, '0');
  t.equal(supply.unbonding, '0');
  t.equal(supply.escrow, '0', 'no proposal: nothing in escrow');
  t.equal(
    balances + BigInt(supply.bonded) + BigInt(supply.unbonding) + BigInt(supply.pending.transfer) + fees,
    BigInt(supply.minted) - BigInt(supply.burned),
  );
});

test('supply: GET /supply reports bonded and unbonding stake (§6.1)', async (t) => {
  //   g -> k1 -> m1 -> k2 -> m2      m1 stakes 7 ALTO as a validator and 2 as infrastructure; m2 unstakes 3
  const builder = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const alto = parseAlto('1');
  builder.key('k1', 'g');
  builder.micro('m1', 'k1', [
    signedTx({ nonce: 0n, payload: { type: 6, role: 1, amount: 7n * alto } }),
    signedTx({ nonce: 1n, payload: { type: 6, role: 3, amount: 2n * alto } }),
  ]);
  builder.key('k2', 'm1');
  builder.micro('m2', 'k2', [signedTx({ nonce: 2n, payload: { type: 7, role: 1, amount: 3n * alto } })]);
  const { url, node } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  for (const name of ['k1', 'm1', 'k2', 'm2'])
    t.equal(node.chain.add(builder.blocks.get(name)!), 'connected');
  const supply = (await (await fetch(`${url}/supply`)).json()) as Supply;
  t.equal(supply.bonded, (6n * alto).toString(), '4 validator + 2 infrastructure');
  t.equal(supply.unbonding, (3n * alto).toString());
});

test('supply: GET /supply reports the deposits of open proposals as escrow, and none once tallied (§6.1, §8.2)', async (t) => {
  //   g -> k1 -> m1 -> k2 -> m2 -> k3 -> k4     m1 stakes 2 ALTO; m2 (c = 2) proposes with a 2-block window (end 3)
  const builder = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const alto = parseAlto('1');
  builder.key('k1', 'g');
  builder.micro('m1', 'k1', [signedTx({ nonce: 0n, payload: { type: 6, role: 3, amount: 2n * alto } })]);
  builder.key('k2', 'm1');
  builder.micro('m2', 'k2', [
    signedTx({ nonce: 1n, payload: { type: 9, kind: 0, votingPeriod: 2, text: 'signal' } }),
  ]);
  builder.key('k3', 'm2');
  builder.key('k4', 'k3');
  const { url, node } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  const escrow = async (): Promise<string> =>
    ((await (await fetch(`${url}/supply`)).json()) as Supply).escrow;
  for (const name of ['k1', 'm1', 'k2', 'm2', 'k3'])
    t.equal(node.chain.add(builder.blocks.get(name)!), 'connected');
  t.equal(await escrow(), REGTEST.governance.proposalDeposit.toString(), 'open until the tally at 4');
  t.equal(node.chain.add(builder.blocks.get('k4')!), 'connected');
  t.equal(await escrow(), '0', 'forfeited to the reserve at 4 (no votes, no quorum)');
});
