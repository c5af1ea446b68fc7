// The subcommands about funds: balance, send, stake and unstake, and tx (where a
// transaction stands, and send --wait's polling).
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError } from '../util/errors.js';
import { NodeClient, type TxStatus } from '../wallet/client.js';
import { findKey } from '../wallet/keystore.js';
import { defaultTransferFee, transferPayloadOf } from '../wallet/send.js';
import { defaultStakeFee, parseRoleArg, parseServiceKeyArg, stakePayload } from '../wallet/stake.js';
import {
  formatAlto,
  isAddress,
  parseAddressArg,
  parseAmountArg,
  parseMemoArg,
  parseTxIdArg,
  toJson,
} from '../wallet/values.js';
import { loadForCli } from './wallet-keys-command.js';
import {
  type Context,
  type WaitTiming,
  paySubmitted,
  fromKey,
  stakerKey,
  statusOfOurNetwork,
} from './wallet-context.js';

export async function balance(ctx: Context, positionals: readonly string[]): Promise<number> {
  const [which] = positionals;
  let addresses: string[];
  if (which !== undefined && isAddress(which, ctx.params)) {
    addresses = [which.toLowerCase()];
  } else {
    const wallet = await loadForCli(ctx);
    if (which === undefined) {
      addresses = wallet.keys.map((k) => k.address);
    } else {
      const key = findKey(wallet, which);
      if (key === undefined) {
        throw new InvalidArgumentError(
          'unknown-key',
          `[address|label] takes a ${ctx.params.hrp}1… address or a key label of ${ctx.path}, got '${which}'`,
        );
      }
      addresses = [key.address];
    }
  }
  for (const address of addresses) {
    const account = await ctx.client.account(address);
    const funds = formatAlto(account?.balance ?? 0n);
    const unmatured = formatAlto(account?.unmatured ?? 0n);
    ctx.io.out(`${address}  ${funds} ALTO  (unmatured ${unmatured} ALTO)`);
  }
  return 0;
}

export async function send(ctx: Context, positionals: readonly string[]): Promise<number> {
  const { values, params, client, io } = ctx;
  // Every argument is checked before the first request.
  const to = parseAddressArg('<to-address>', positionals[0] ?? '', params);
  const amount = parseAmountArg('<amount-ALTO>', positionals[1] ?? '');
  const fixedFee =
    values.fee === undefined ? undefined : parseAmountArg('--fee', values.fee, { allowZero: true });
  const memo = values.memo === undefined ? new Uint8Array() : parseMemoArg('--memo', values.memo);
  const wallet = await loadForCli(ctx);
  const from = fromKey(ctx, wallet);
  if (wallet.keys.length === 0) {
    io.err(`${ctx.path} holds no keys: add one with \`altostream wallet new\``);
    return 1;
  }

  const status = await statusOfOurNetwork(ctx);
  if (status === null) return 1;
  const fee = fixedFee ?? defaultTransferFee(memo.length, status.mempool.minFeeRate);
  const needed = amount + fee;
  const paid = await paySubmitted(
    ctx,
    wallet,
    from,
    { needed, fee, what: 'sending', breakdown: 'amount + fee' },
    transferPayloadOf({ to, amount, memo, params }),
  );
  if (paid === null) return 1;
  const { payer, tx, id } = paid;
  const summary = { id, from: payer.key.address, to, amount, fee, nonce: tx.nonce };
  if (values.wait !== true) {
    io.out(values.json === true ? toJson({ ...summary, status: 'pending' }) : id);
    return 0;
  }
  if (values.json !== true) io.out(id);
  const outcome = await waitForBlock(client, id, io.signal, ctx.timing);
  if (outcome.kind === 'confirmed') {
    io.out(
      values.json === true
        ? toJson({ ...summary, ...confirmation(outcome.status) })
        : describeTx(outcome.status),
    );
    return 0;
  }
  if (values.json === true) io.out(toJson({ ...summary, status: 'pending' }));
  io.err(
    outcome.kind === 'timeout'
      ? `${id} is not in a block after ${ctx.timing.timeoutMs / 1000} s; check later with \`altostream wallet tx ${id}\``
      : `the node no longer knows ${id}: it left the mempool without reaching a block`,
  );
  return 1;
}

export async function stake(
  ctx: Context,
  positionals: readonly string[],
  kind: 'stake' | 'unstake',
): Promise<number> {
  const { values, io } = ctx;
  // Every argument is checked before the first request.
  const amount = parseAmountArg('<amount-ALTO>', positionals[0] ?? '');
  const role = parseRoleArg('--role', values.role);
  const fixedFee =
    values.fee === undefined ? undefined : parseAmountArg('--fee', values.fee, { allowZero: true });
  const named = values['app-name'] !== undefined || values['service-key'] !== undefined;
  if (named && role !== 'app') {
    throw new InvalidArgumentError('bad-flag', '--app-name and --service-key go with --role app only');
  }
  if (
    kind === 'stake' &&
    role === 'app' &&
    (values['app-name'] === undefined || values['service-key'] === undefined)
  ) {
    throw new InvalidArgumentError('bad-flag', 'an app stake needs --app-name and --service-key');
  }
  const wallet = await loadForCli(ctx);
  const app =
    values['app-name'] === undefined || values['service-key'] === undefined
      ? undefined
      : {
          name: values['app-name'],
          serviceKey: parseServiceKeyArg('--service-key', values['service-key'], wallet),
        };
  const payload = stakePayload({ kind, role, amount, app });
  const from = stakerKey(ctx, wallet);
  const status = await statusOfOurNetwork(ctx);
  if (status === null) return 1;
  const fee = fixedFee ?? defaultStakeFee(payload, status.mempool.minFeeRate);
  // A stake moves amount + fee out of the balance; an unstake pays only the fee (the bond is checked by the node).
  const needed = kind === 'stake' ? amount + fee : fee;
  const paid = await paySubmitted(ctx, wallet, from, { needed, fee, what: kind, breakdown: 'fee' }, payload);
  if (paid === null) return 1;
  const { payer, tx, id } = paid;
  io.out(
    values.json === true
      ? toJson({ id, kind, role, from: payer.key.address, amount, fee, nonce: tx.nonce, status: 'pending' })
      : id,
  );
  return 0;
}

type WaitOutcome = { kind: 'confirmed'; status: TxStatus } | { kind: 'timeout' } | { kind: 'dropped' };

async function waitForBlock(
  client: NodeClient,
  id: string,
  cancel: AbortSignal,
  timing: WaitTiming,
): Promise<WaitOutcome> {
  const deadline = AbortSignal.timeout(timing.timeoutMs);
  const signal = AbortSignal.any([cancel, deadline]);
  for (;;) {
    const status = await client.tx(id);
    if (status === undefined) return { kind: 'dropped' };
    if (status.status === 'confirmed') return { kind: 'confirmed', status };
    try {
      await sleep(timing.pollMs, undefined, { signal });
    } catch (error) {
      if (!cancel.aborted && deadline.aborted) return { kind: 'timeout' };
      throw error;
    }
  }
}

/** Where a transaction stands, without the transaction itself (the caller has it). */
function confirmation({
  id,
  status,
  block,
  confirmations,
}: TxStatus): Pick<TxStatus, 'id' | 'status' | 'block' | 'confirmations'> {
  return { id, status, block, confirmations };
}

function describeTx(status: TxStatus): string {
  if (status.block === null) return `${status.id} is ${status.status}`;
  const { id, keyHeight, seq } = status.block;
  const confirmations = `${status.confirmations} confirmation${status.confirmations === 1 ? '' : 's'}`;
  return `${status.status} in block ${id} (key height ${keyHeight}, microblock ${seq}), ${confirmations}`;
}

export async function txStatus(ctx: Context, positionals: readonly string[]): Promise<number> {
  const id = parseTxIdArg('<txid>', positionals[0] ?? '');
  const status = await ctx.client.tx(id);
  if (status === undefined) {
    ctx.io.err(`the node at ${ctx.client.url} does not know tx ${id}`);
    return 1;
  }
  ctx.io.out(
    ctx.values.json === true
      ? toJson(confirmation(status))
      : status.block === null
        ? status.status
        : describeTx(status),
  );
  return 0;
}
