// Chain reads: status, blocks by id and by height, accounts, supply, the state digest.
import type { FastifyInstance } from 'fastify';
import type { Entry } from '../../chain/index-entry.js';
import { accountId, decodeAddress, encodeAddress } from '../../protocol/address.js';
import { ACTIVATION_BOOTSTRAP, ACTIVATION_FALLBACK } from '../../consensus/activation.js';
import {
  escrowTotal,
  pendingTotals,
  stakeTotals,
  subsidySchedule,
  unmaturedOf,
} from '../../state/queries.js';
import { ROLE_VALIDATOR } from '../../state/entries.js';
import { NotFoundError } from '../errors.js';
import { blockRefView, blockView, type KeyActivationView } from '../views.js';
import {
  addressParams,
  block,
  blockRef,
  decimal,
  errorResponses,
  height,
  hex32,
  idParams,
  noQuery,
  urlInteger,
} from '../../api-schema/fragments.js';
import { accountBody, statusBody, type AccountBody, type StatusBody } from '../../api-schema/responses.js';
import type { ApiModules } from '../server.js';
import { fromHex, toHex } from '../../util/bytes.js';

const pacedForS = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

/** The validator's numbers with its bonded stake as of the tip. */
function validatorView(mods: ApiModules): StatusBody['validator'] {
  if (mods.validator === undefined || mods.validator === null) return null;
  const stats = mods.validator.stats();
  const account = fromHex(stats.account);
  const bond = mods.chain.state().bond(account, ROLE_VALIDATOR);
  return {
    address: encodeAddress(mods.params.hrp, account),
    stake: (bond?.bonded ?? 0n).toString(),
    slotsWon: stats.slotsWon,
    endorsementsSigned: stats.endorsementsSigned,
    endorsementsIncluded: stats.endorsementsIncluded,
  };
}

export function chainRoutes(app: FastifyInstance, mods: ApiModules): void {
  const { chain, params } = mods;

  /** The activation of a key block and, when endorsed, the endorsements of the M_{h,0} we hold for it. */
  const activationOf = (entry: Entry): KeyActivationView | undefined => {
    if (entry.kind !== 'key') return undefined;
    if (entry.activation === ACTIVATION_BOOTSTRAP) return { activation: 'bootstrap', endorsers: null };
    if (entry.activation === ACTIVATION_FALLBACK) return { activation: 'fallback', endorsers: null };
    if (chain.isWaiting(entry)) return { activation: 'candidate', endorsers: null };
    // Only the best chain's M_{h,0} is found by height; a side branch's endorsers are not shown.
    const m0 = chain.keyAt(entry.keyHeight) === entry ? chain.epochBlocks(entry.keyHeight)[1] : undefined;
    const body = m0 === undefined ? undefined : chain.blockOf(m0);
    return {
      activation: 'endorsed',
      endorsers:
        body?.kind === 'micro'
          ? body.block.activation.map((e) => ({
              index: e.index,
              validator: encodeAddress(params.hrp, accountId(e.validatorKey)),
            }))
          : null,
    };
  };

  const onBestChain = (entry: Entry): boolean =>
    chain.keyAt(entry.keyHeight) === entry.epochKey &&
    (entry.kind === 'key' || chain.epochBlocks(entry.keyHeight).includes(entry));

  app.get(
    '/status',
    {
      schema: {
        summary: 'The node at a glance',
        querystring: noQuery,
        response: {
          200: statusBody,
          ...errorResponses,
        },
      },
    },
    (): StatusBody => {
      const tip = chain.tip;
      return {
        network: params.name,
        chainId: params.chainId,
        genesis: params.genesis.id,
        tip: blockRefView(tip),
        height: Number(tip.keyHeight),
        chainWork: tip.chainWork.toString(),
        peers: mods.network?.peerCount() ?? 0,
        peerId: mods.network?.peerId ?? null,
        listen: mods.network?.listenAddresses() ?? [],
        sync: mods.network?.syncProgress() ?? {
          syncing: false,
          height: Number(tip.keyHeight),
          target: Number(tip.keyHeight),
          rate: 0,
          etaS: null,
        },
        mempool: {
          count: mods.mempool.count,
          bytes: mods.mempool.bytes,
          minFeeRate: mods.mempool.minFeeRate.toString(),
        },
        mining: mods.mining.active,
        hashRate: mods.mining.hashRate(),
        hashes: mods.mining.hashes(),
        pacedForS: pacedForS(mods.mining.pausedForMs()),
        syncing: mods.network?.syncProgress().syncing ?? false,
        lastBlockAgeS: Math.max(0, (mods.now() - Number(tip.timeMs)) / 1000),
        stratum: mods.stratum?.summary() ?? null,
        validator: validatorView(mods),
      };
    },
  );

  app.get(
    '/blocks/:id',
    {
      schema: {
        summary: 'A key block or microblock by id, on the best chain or not',
        params: idParams,
        querystring: noQuery,
        response: { 200: block, ...errorResponses },
      },
    },
    (request) => {
      const { id } = request.params as { id: string };
      const entry = chain.get(fromHex(id));
      if (entry === undefined) throw new NotFoundError('unknown-block', `no block ${id}`);
      return blockView(entry, chain.blockOf(entry), onBestChain(entry), params, activationOf(entry));
    },
  );

  app.get(
    '/blocks/height/:height',
    {
      schema: {
        summary: "The best chain's key block at a height and its epoch's microblocks",
        params: {
          type: 'object',
          required: ['height'],
          properties: { height: urlInteger },
          additionalProperties: false,
        },
        querystring: noQuery,
        response: {
          200: {
            type: 'object',
            required: ['height', 'keyBlock', 'microblocks'],
            properties: { height, keyBlock: block, microblocks: { type: 'array', items: block } },
          },
          ...errorResponses,
        },
      },
    },
    (request) => {
      const { height: h } = request.params as { height: number };
      const blocks = chain.epochBlocks(BigInt(h));
      const [key, ...micro] = blocks;
      if (key === undefined) throw new NotFoundError('unknown-block', `no key block at height ${h}`);
      return {
        height: h,
        keyBlock: blockView(key, chain.blockOf(key), true, params, activationOf(key)),
        microblocks: micro.map((m) => blockView(m, chain.blockOf(m), true, params)),
      };
    },
  );

  app.get(
    '/accounts/:address',
    {
      schema: {
        summary: 'Balance, nonce and unmatured rewards of an account',
        params: addressParams,
        querystring: noQuery,
        response: {
          200: accountBody,
          ...errorResponses,
        },
      },
    },
    (request): AccountBody => {
      const { address } = request.params as { address: string };
      const id = decodeAddress(params.hrp, address);
      const view = chain.state();
      const account = view.account(id);
      if (account === undefined) throw new NotFoundError('unknown-account', `no account ${address}`);
      return {
        address: encodeAddress(params.hrp, id),
        balance: account.balance.toString(),
        nonce: account.nonce.toString(),
        nextNonce: (mods.mempool.nextNonce(id) ?? account.nonce).toString(),
        unmatured: unmaturedOf(view, id).toString(),
      };
    },
  );

  app.get(
    '/supply',
    {
      schema: {
        summary:
          'Coins minted and burned, pending rewards, bonded and unbonding stake, escrowed proposal deposits, the cap and the subsidy schedule (PROTOCOL.md §6.1, §6.2)',
        querystring: noQuery,
        response: {
          200: {
            type: 'object',
            required: [
              'minted',
              'burned',
              'bonded',
              'unbonding',
              'escrow',
              'cap',
              'height',
              'pending',
              'schedule',
            ],
            properties: {
              minted: decimal,
              burned: decimal,
              bonded: decimal,
              unbonding: decimal,
              escrow: decimal,
              cap: decimal,
              height,
              pending: {
                type: 'object',
                required: ['mint', 'transfer'],
                properties: { mint: decimal, transfer: decimal },
              },
              schedule: {
                type: 'object',
                required: [
                  'height',
                  'base',
                  'next',
                  'halvingInterval',
                  'nextHalvingHeight',
                  'allocation',
                  'scheduledTotal',
                ],
                properties: {
                  height,
                  base: decimal,
                  next: decimal,
                  halvingInterval: { type: 'integer', minimum: 1 },
                  nextHalvingHeight: { type: ['integer', 'null'], minimum: 0 },
                  allocation: decimal,
                  scheduledTotal: decimal,
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    () => {
      const view = chain.state();
      const counters = view.counters();
      const tipHeight = chain.tip.keyHeight;
      const pending = pendingTotals(view);
      const stake = stakeTotals(view);
      const schedule = subsidySchedule(tipHeight, params);
      return {
        minted: counters.minted.toString(),
        burned: counters.burned.toString(),
        bonded: stake.bonded.toString(),
        unbonding: stake.unbonding.toString(),
        escrow: escrowTotal(view).toString(),
        cap: params.cap.toString(),
        height: Number(tipHeight),
        pending: { mint: pending.mint.toString(), transfer: pending.transfer.toString() },
        schedule: {
          height: Number(schedule.height),
          base: schedule.base.toString(),
          next: schedule.next.toString(),
          halvingInterval: schedule.halvingInterval,
          nextHalvingHeight: schedule.nextHalvingHeight === null ? null : Number(schedule.nextHalvingHeight),
          allocation: schedule.allocation.toString(),
          scheduledTotal: schedule.scheduledTotal.toString(),
        },
      };
    },
  );

  app.get(
    '/state/digest',
    {
      schema: {
        summary: 'The state digest (PROTOCOL.md §9.3) at the tip, for comparing nodes',
        querystring: noQuery,
        response: {
          200: {
            type: 'object',
            required: ['digest', 'tip'],
            properties: { digest: hex32, tip: blockRef },
          },
          ...errorResponses,
        },
      },
    },
    () => ({ digest: toHex(chain.digest()), tip: blockRefView(chain.tip) }),
  );
}
