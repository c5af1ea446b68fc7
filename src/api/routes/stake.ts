// Stake reads (PROTOCOL.md §4.7, §4.8, §5): the validators with their weights and
// this reward period's draws, and one account's bonds, unbonding and app record.
import type { FastifyInstance } from 'fastify';
import { ACTIVATION_ENDORSED } from '../../consensus/activation.js';
import { activationMode } from '../../consensus/activity.js';
import { accountId, decodeAddress, encodeAddress } from '../../protocol/address.js';
import { ROLES, ROLE_VALIDATOR, type StakeRole } from '../../state/entries.js';
import {
  currentMinStake,
  roleWeightTotal,
  stakeWeight,
  unbondingOf,
  validatorBonds,
} from '../../state/stake.js';
import { addressParams, errorResponses, noQuery } from '../../api-schema/fragments.js';
import {
  stakesBody,
  validatorsBody,
  type StakesBody,
  type ValidatorsBody,
} from '../../api-schema/responses.js';
import { NotFoundError } from '../errors.js';
import type { ApiModules } from '../server.js';
import { toHex } from '../../util/bytes.js';

export const ROLE_NAMES: Record<StakeRole, 'validator' | 'app' | 'infrastructure'> = {
  1: 'validator',
  2: 'app',
  3: 'infrastructure',
};

/** How many draws GET /validators may rebuild in one request (decision 132). */
export const MAX_NEW_DRAWS = 64;

export function stakeRoutes(app: FastifyInstance, mods: ApiModules): void {
  const { chain, params } = mods;

  app.get(
    '/validators',
    {
      schema: {
        summary:
          'Every validator bond with its weight, last endorsement and this reward period’s slots (PROTOCOL.md §5)',
        querystring: noQuery,
        response: { 200: validatorsBody, ...errorResponses },
      },
    },
    (): ValidatorsBody => {
      const view = chain.state();
      const tip = chain.tip;
      const h = tip.keyHeight;
      const period = BigInt(params.rewardPeriod);
      // Period p covers key heights p·R + 1 … (p+1)·R (§6.4); the tip's is the current one.
      const start = h === 0n ? 1n : ((h - 1n) / period) * period + 1n;
      const slots = new Map<string, { won: number; included: number }>();
      const count = (account: Uint8Array): { won: number; included: number } => {
        const hex = toHex(account);
        let c = slots.get(hex);
        if (c === undefined) slots.set(hex, (c = { won: 0, included: 0 }));
        return c;
      };
      // At most REWARD_PERIOD key blocks, newest first (their snapshots are the cheapest to rebuild);
      // at most MAX_NEW_DRAWS draws not yet kept by the chain are computed per request (decision 132).
      let computed = 0;
      let pending = 0;
      for (let k = h; k >= start; k--) {
        const [key, m0] = chain.epochBlocks(k);
        if (key === undefined || key.kind !== 'key' || key.activation !== ACTIVATION_ENDORSED) continue;
        let draw = chain.knownDraw(key);
        if (draw === undefined && computed < MAX_NEW_DRAWS) {
          draw = chain.drawOf(key);
          computed++;
        }
        if (draw === undefined) {
          pending++;
          continue;
        }
        for (const owner of draw) count(owner).won++;
        if (m0 === undefined) continue;
        const body = chain.blockOf(m0);
        if (body.kind !== 'micro') continue;
        for (const e of body.block.activation) count(accountId(e.validatorKey)).included++;
      }
      const min = currentMinStake(view, ROLE_VALIDATOR, params);
      const total = roleWeightTotal(view, ROLE_VALIDATOR, params);
      // A key block on the tip has the tip's state as its §5.1 snapshot; bootstrap depends on T alone,
      // so the key time given (the tip epoch's, never a fallback) does not change the answer.
      const tipKeyTime = tip.epochKey.block.header.time;
      return {
        height: Number(h),
        period: { start: Number(start), end: Number(start + period - 1n), uncounted: pending },
        minStake: min.toString(),
        total: total.toString(),
        bootstrapMinStake: params.poa.bootstrapMinValidatorStake.toString(),
        nextBootstraps:
          activationMode(
            { totalStake: total, keyTime: tipKeyTime, parentEpochKeyTime: tipKeyTime },
            params,
          ) === 'bootstrap',
        validators: validatorBonds(view).map((bond) => {
          const c = slots.get(toHex(bond.account)) ?? { won: 0, included: 0 };
          return {
            address: encodeAddress(params.hrp, bond.account),
            bonded: bond.bonded.toString(),
            weight: (bond.bonded >= min ? bond.bonded : 0n).toString(),
            lastEndorsed: bond.lastEndorsed,
            slotsWon: c.won,
            slotsIncluded: c.included,
          };
        }),
      };
    },
  );

  app.get(
    '/stakes/:address',
    {
      schema: {
        summary:
          'One account’s bonds per role, its unbonding entries and its app record (PROTOCOL.md §4.7, §4.8)',
        params: addressParams,
        querystring: noQuery,
        response: { 200: stakesBody, ...errorResponses },
      },
    },
    (request): StakesBody => {
      const { address } = request.params as { address: string };
      const id = decodeAddress(params.hrp, address);
      const view = chain.state();
      const bonds = ROLES.flatMap((role) => {
        const bond = view.bond(id, role);
        if (bond === undefined) return [];
        return [
          {
            role: ROLE_NAMES[role],
            bonded: bond.bonded.toString(),
            weight: stakeWeight(view, id, role, params).toString(),
            minStake: currentMinStake(view, role, params).toString(),
            ...(role === ROLE_VALIDATOR ? { lastEndorsed: bond.lastEndorsed } : {}),
          },
        ];
      });
      const unbonding = unbondingOf(view, id).map((e) => ({
        role: ROLE_NAMES[e.role],
        amount: e.amount.toString(),
        releaseHeight: Number(e.releaseHeight),
      }));
      const record = view.app(id);
      if (bonds.length === 0 && unbonding.length === 0 && record === undefined) {
        throw new NotFoundError('unknown-account', `no stake for ${address}`);
      }
      return {
        address: encodeAddress(params.hrp, id),
        bonds,
        unbonding,
        app: record === undefined ? null : { name: record.name, serviceKey: toHex(record.serviceKey) },
      };
    },
  );
}
