// The governance and music subcommands (propose, vote, register, song, donate, subscribe):
// a payload signed by the --from or 'default' key and submitted.
import { InvalidArgumentError } from '../util/errors.js';
import { type SignablePayload } from '../wallet/signer.js';
import {
  defaultGovernanceFee,
  parseChoice,
  parseParamName,
  parseParamValue,
  parseVotingPeriod,
  proposalPayload,
  votePayload,
} from '../wallet/governance.js';
import { donationPayload, identityPayload, songPayload, subscriptionPayload } from '../wallet/music.js';
import { parseAmountArg, parseMemoArg, parseTxIdArg, toJson } from '../wallet/values.js';
import { loadForCli } from './wallet-keys-command.js';
import { fromHex, toHex } from '../util/bytes.js';
import { type Context, paySubmitted, stakerKey, statusOfOurNetwork, fixedFeeOf } from './wallet-context.js';

/**
 * `payload` signed by the --from or 'default' key and submitted (governance and music txs);
 * `deposit` is what it moves besides the fee: a proposal's deposit, a payment's amount.
 */
async function submitFromKey(
  ctx: Context,
  payload: SignablePayload,
  deposit: bigint,
  fixedFee: bigint | undefined,
  summary: Record<string, unknown>,
): Promise<number> {
  const { values, io } = ctx;
  const wallet = await loadForCli(ctx);
  const from = stakerKey(ctx, wallet, 'signs');
  const status = await statusOfOurNetwork(ctx);
  if (status === null) return 1;
  const fee = fixedFee ?? defaultGovernanceFee(payload, status.mempool.minFeeRate);
  const needed = deposit + fee;
  const paid = await paySubmitted(
    ctx,
    wallet,
    from,
    { needed, fee, what: String(summary.kind), breakdown: 'fee' },
    payload,
  );
  if (paid === null) return 1;
  const { payer, tx, id } = paid;
  io.out(
    values.json === true
      ? toJson({ id, ...summary, from: payer.key.address, fee, nonce: tx.nonce, status: 'pending' })
      : id,
  );
  return 0;
}

export async function propose(ctx: Context, positionals: readonly string[]): Promise<number> {
  const { values, params } = ctx;
  // Every argument is checked before the first request, the parameter against §8.3's bounds.
  if ((values.signal === undefined) === (values.param === undefined)) {
    throw new InvalidArgumentError('bad-flag', 'propose takes one of --signal TEXT or --param NAME VALUE');
  }
  const votingPeriod = parseVotingPeriod(values['voting-period'], params);
  const fixedFee =
    values.fee === undefined ? undefined : parseAmountArg('--fee', values.fee, { allowZero: true });
  let payload;
  if (values.signal !== undefined) {
    if (values.text !== undefined)
      throw new InvalidArgumentError('bad-flag', '--signal is the text: no --text');
    if (positionals.length > 0) {
      throw new InvalidArgumentError(
        'bad-arguments',
        `a signal takes no VALUE, got '${positionals.join(' ')}'`,
      );
    }
    payload = proposalPayload({ text: values.signal, votingPeriod });
  } else {
    const param = parseParamName(values.param ?? '');
    const [text] = positionals;
    if (text === undefined)
      throw new InvalidArgumentError('bad-arguments', `--param ${param.name} needs a VALUE`);
    const value = parseParamValue(param, text, params);
    payload = proposalPayload({
      text: values.text ?? '',
      votingPeriod,
      change: { paramId: param.id, value },
    });
  }
  const deposit = params.governance.proposalDeposit;
  return submitFromKey(ctx, payload, deposit, fixedFee, { kind: 'propose', deposit });
}

export async function vote(ctx: Context, positionals: readonly string[]): Promise<number> {
  const { values } = ctx;
  const proposalId = parseTxIdArg('<proposal-id>', positionals[0] ?? '');
  const choice = parseChoice(positionals[1] ?? '');
  const fixedFee =
    values.fee === undefined ? undefined : parseAmountArg('--fee', values.fee, { allowZero: true });
  const payload = votePayload(fromHex(proposalId), choice);
  return submitFromKey(ctx, payload, 0n, fixedFee, { kind: 'vote', proposal: proposalId, choice });
}

export async function register(ctx: Context): Promise<number> {
  const { values } = ctx;
  const payload = identityPayload(values);
  const fixedFee = fixedFeeOf(values);
  const roles = [values.musician === true ? 'musician' : '', values.listener === true ? 'listener' : '']
    .filter((r) => r !== '')
    .join('+');
  return submitFromKey(ctx, payload, 0n, fixedFee, { kind: 'register', roles });
}

export async function song(ctx: Context): Promise<number> {
  const { values, params } = ctx;
  const fixedFee = fixedFeeOf(values);
  // The default split names the signing key, so the key is found before the payload is built.
  const wallet = await loadForCli(ctx);
  const owner = stakerKey(ctx, wallet, 'signs');
  const payload = songPayload(values, owner.address, params);
  const songId = payload.type === 3 ? toHex(payload.songId) : '';
  return submitFromKey(ctx, payload, 0n, fixedFee, { kind: 'song', song: songId });
}

export async function donate(ctx: Context, positionals: readonly string[]): Promise<number> {
  const { values, params } = ctx;
  const song = values.song;
  if (positionals.length !== (song === undefined ? 2 : 1)) {
    throw new InvalidArgumentError(
      'bad-arguments',
      song === undefined
        ? `'donate' takes <musician-address> <amount-ALTO> (or --song HEX <amount-ALTO>), got '${positionals.join(' ')}'`
        : `'donate --song HEX' takes <amount-ALTO> only, got '${positionals.join(' ')}'`,
    );
  }
  const amount = parseAmountArg('<amount-ALTO>', positionals[positionals.length - 1]!);
  const memo = values.memo === undefined ? new Uint8Array() : parseMemoArg('--memo', values.memo);
  const fixedFee = fixedFeeOf(values);
  // Checked as typed (an address in mixed case is bad-address), shown lowercased.
  const payload = donationPayload(
    song === undefined ? { musician: positionals[0]! } : { song },
    amount,
    memo,
    params,
  );
  const target =
    song === undefined ? { musician: positionals[0]!.toLowerCase() } : { song: song.toLowerCase() };
  return submitFromKey(ctx, payload, amount, fixedFee, { kind: 'donate', ...target, amount });
}

export async function subscribe(ctx: Context, positionals: readonly string[]): Promise<number> {
  const { values, params } = ctx;
  const amount = parseAmountArg('<amount-ALTO>', positionals[1] ?? '');
  const payload = subscriptionPayload(positionals[0] ?? '', amount, values.periods, params);
  const fixedFee = fixedFeeOf(values);
  const periods = payload.type === 5 ? payload.periods : 0;
  return submitFromKey(ctx, payload, amount, fixedFee, {
    kind: 'subscribe',
    musician: positionals[0]!.toLowerCase(),
    amount,
    periods,
  });
}
