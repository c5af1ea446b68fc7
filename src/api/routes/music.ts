// The music reads (PROTOCOL.md §4.3–§4.6, §6.5, §7): GET /musicians/:address
// (identity, songs, earnings by source), GET /songs/:id (split, this period's
// plays, seconds and provisional value, earnings), GET /listeners/:address
// (eligibility and why not, seconds, support, rewards), GET /periods/:n (a
// settled period's record) and GET /charts (this period's songs by value).
// Earnings come from the music index and the reward history, settled periods
// from their records, all outside the digest; the current period's values
// from the provisional settlement, computed once per tip (api/music.ts).
import type { FastifyInstance } from 'fastify';
import { ROLE_LISTENER, ROLE_MUSICIAN } from '../../consensus/music.js';
import { ineligibility, KIND_LISTENER, KIND_MUSICIAN } from '../../consensus/song-value.js';
import { decodeAddress, encodeAddress } from '../../protocol/address.js';
import type { Identity } from '../../consensus/state-view.js';
import { addressParams, errorResponses, urlInteger } from '../../api-schema/fragments.js';
import {
  chartsBody,
  listenerBody,
  musicianBody,
  periodBody,
  songBody,
  type ChartsBody,
  type ListenerBody,
  type MusicianBody,
  type PeriodBody,
  type SongBody,
} from '../../api-schema/music.js';
import { REWARD_KIND_NAMES } from '../../api-schema/responses.js';
import { fromHex, toHex } from '../../util/bytes.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { ProvisionalCache, openPeriod } from '../music.js';
import type { ApiModules } from '../server.js';

/** Songs one GET /musicians/:address lists (decision 189). */
export const MAX_MUSICIAN_SONGS = 1000;
/** Songs GET /charts lists when ?limit is left out, and the most it may ask for (decision 189). */
export const DEFAULT_CHART_LIMIT = 20;
export const MAX_CHART_LIMIT = 1000;
/** A song id is 32 bytes in lowercase hex (§2.2's display). */
const SONG_ID = /^[0-9a-f]{64}$/;

function roleNames(roles: number): ('musician' | 'listener')[] {
  const names: ('musician' | 'listener')[] = [];
  if ((roles & ROLE_MUSICIAN) !== 0) names.push('musician');
  if ((roles & ROLE_LISTENER) !== 0) names.push('listener');
  return names;
}

const kindTotals = (totals: { readonly credited: bigint; readonly pending: bigint }) => ({
  credited: totals.credited.toString(),
  pending: totals.pending.toString(),
  matured: (totals.credited - totals.pending).toString(),
});

function songIdOf(text: string): Uint8Array {
  if (!SONG_ID.test(text))
    throw new BadRequestError('bad-song-id', 'a song id is 64 lowercase hex digits (32 bytes)', 'id');
  return fromHex(text);
}

function kindName(kind: number): string {
  const name = (REWARD_KIND_NAMES as Record<number, string | undefined>)[kind];
  if (name === undefined) throw new Error(`reward kind ${kind} in a settlement record is none of §3.10's`);
  return name;
}

export function musicRoutes(app: FastifyInstance, mods: ApiModules): void {
  const { chain, params } = mods;
  const provisional = new ProvisionalCache(chain, params);
  const address = (account: Uint8Array): string => encodeAddress(params.hrp, account);

  app.get(
    '/musicians/:address',
    {
      schema: {
        summary:
          'A musician: identity, songs, and earnings by source — donations, subscriptions, song rewards (PROTOCOL.md §4.3–§4.6, §7.3)',
        params: addressParams,
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        response: { 200: musicianBody, ...errorResponses },
      },
    },
    (request): MusicianBody => {
      const { address: text } = request.params as { address: string };
      const account = decodeAddress(params.hrp, text);
      const view = chain.state();
      const identity = view.identity(account);
      if (identity === undefined || (identity.roles & ROLE_MUSICIAN) === 0)
        throw new NotFoundError('unknown-musician', `${text} has not registered the musician role`);
      const music = chain.music();
      const { songs, more } = music.songsOf(account, MAX_MUSICIAN_SONGS);
      const income = music.income(account);
      const rewards = chain.rewardsOfKind(account, KIND_MUSICIAN);
      return {
        address: address(account),
        height: Number(chain.tip.keyHeight),
        roles: roleNames(identity.roles),
        name: identity.displayName,
        regHeight: Number(identity.regHeight),
        songs: songs.map((id) => {
          const song = view.song(id);
          if (song === undefined)
            throw new Error(`the music index lists song ${toHex(id)}, the state lacks it`);
          return { id: toHex(id), title: song.title, durationS: song.durationS };
        }),
        songsTruncated: more,
        earnings: {
          donations: income.donations.toString(),
          subscriptions: income.subscriptions.toString(),
          songRewards: kindTotals(rewards),
        },
        incomeCompleteFrom: Number(music.completeFrom),
        rewardsCompleteFrom: Number(rewards.completeFrom),
      };
    },
  );

  app.get(
    '/songs/:id',
    {
      schema: {
        summary:
          'A song: owner, split, this period’s counted plays and seconds and provisional routed value, earnings (PROTOCOL.md §4.4, §7.3)',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 128 } },
          additionalProperties: false,
        },
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        response: { 200: songBody, ...errorResponses },
      },
    },
    (request): SongBody => {
      const { id: text } = request.params as { id: string };
      const id = songIdOf(text);
      const song = chain.state().song(id);
      if (song === undefined) throw new NotFoundError('unknown-song', `no song ${text}`);
      const now = provisional.get();
      const played = now.plays.get(text);
      const valued = now.songValues.get(text);
      const music = chain.music();
      const earned = music.song(id);
      return {
        id: text,
        height: Number(now.tipHeight),
        owner: address(song.owner),
        title: song.title,
        durationS: song.durationS,
        regHeight: Number(song.regHeight),
        splits: song.splits.map((s) => ({ address: address(s.account), bp: s.bp })),
        current: {
          period: Number(now.period),
          settlesAt: Number(now.settlesAt),
          plays: Number(played?.plays ?? 0n),
          seconds: Number(played?.seconds ?? 0n),
          value: (valued?.value ?? 0n).toString(),
          matched: (valued?.matched ?? 0n).toString(),
        },
        earnings: {
          donated: earned.donated.toString(),
          donations: Number(earned.donations),
          paidToHolders: earned.paid.toString(),
          rewards: earned.rewards.toString(),
        },
        incomeCompleteFrom: Number(music.completeFrom),
      };
    },
  );

  app.get(
    '/listeners/:address',
    {
      schema: {
        summary:
          'A listener: eligibility now and why not, counted seconds and support this period, rewards (PROTOCOL.md §7.1, §7.3)',
        params: addressParams,
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        response: { 200: listenerBody, ...errorResponses },
      },
    },
    (request): ListenerBody => {
      const { address: text } = request.params as { address: string };
      const account = decodeAddress(params.hrp, text);
      const view = chain.state();
      const identity: Identity | undefined = view.identity(account);
      const period = view.listenerPeriod(account);
      const known = identity !== undefined && (identity.roles & ROLE_LISTENER) !== 0;
      // Nothing to tell of an account that neither registered as a listener nor paid this period.
      if (!known && period.support === 0n && period.seconds === 0n)
        throw new NotFoundError('unknown-listener', `${text} is no listener and paid nothing this period`);
      const now = provisional.get();
      const reason = ineligibility(identity, period, now.settlesAt, BigInt(params.listenerMinAge));
      const weight = now.weights.get(toHex(account));
      const rewards = chain.rewardsOfKind(account, KIND_LISTENER);
      return {
        address: address(account),
        height: Number(now.tipHeight),
        roles: identity === undefined ? [] : roleNames(identity.roles),
        regHeight: identity === undefined ? null : Number(identity.regHeight),
        current: {
          period: Number(now.period),
          settlesAt: Number(now.settlesAt),
          seconds: Number(period.seconds),
          support: period.support.toString(),
          weight: (weight?.value ?? 0n).toString(),
          matched: (weight?.matched ?? 0n).toString(),
        },
        eligible: reason === undefined,
        reason: reason ?? null,
        rewards: kindTotals(rewards),
        rewardsCompleteFrom: Number(rewards.completeFrom),
      };
    },
  );

  app.get(
    '/periods/:n',
    {
      schema: {
        summary:
          'A settled reward period: every credit, the pools, S and D per pool, matched amounts, undistributed and dust (PROTOCOL.md §6.5, §7.3)',
        params: {
          type: 'object',
          required: ['n'],
          properties: { n: urlInteger },
          additionalProperties: false,
        },
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        response: { 200: periodBody, ...errorResponses },
      },
    },
    (request): PeriodBody => {
      const { n } = request.params as { n: number };
      const open = openPeriod(chain.tip.keyHeight, params);
      if (BigInt(n) >= open.period)
        throw new NotFoundError(
          'period-not-settled',
          `period ${n} is not settled: the current period is ${open.period}, settled at key height ${open.settlesAt}`,
        );
      const record = chain.settlement(BigInt(n));
      if (record === undefined)
        throw new NotFoundError(
          'no-period-record',
          `period ${n} was settled before this node kept settlement records (the current period is ${open.period})`,
        );
      const values = (list: readonly { id: Uint8Array; value: bigint; matched: bigint }[]) =>
        list.map((v) => ({
          address: address(v.id),
          value: v.value.toString(),
          matched: v.matched.toString(),
        }));
      const poolOf = (p: typeof record.musicians) => ({
        pool: p.pool.toString(),
        sum: p.sum.toString(),
        distributed: p.distributed.toString(),
        paid: p.paid.toString(),
        undistributed: p.undistributed.toString(),
        dust: p.dust.toString(),
      });
      return {
        period: Number(record.period),
        height: Number(record.height),
        blockId: toHex(record.blockId),
        pools: {
          musicians: record.pools.musicians.toString(),
          listeners: record.pools.listeners.toString(),
          apps: record.pools.apps.toString(),
          infrastructure: record.pools.infrastructure.toString(),
          validators: record.pools.validators.toString(),
        },
        musicians: poolOf(record.musicians),
        listeners: poolOf(record.listeners),
        apps: poolOf(record.apps),
        reserve: record.reserve.toString(),
        songs: record.songs.map((s) => ({
          id: toHex(s.id),
          value: s.value.toString(),
          matched: s.matched.toString(),
        })),
        appValues: values(record.appValues),
        listenerWeights: values(record.weights),
        credits: record.credits.map((c) => ({
          address: address(c.account),
          kind: c.kind,
          kindName: kindName(c.kind),
          amount: c.amount.toString(),
          song: c.song === undefined ? null : toHex(c.song),
        })),
      };
    },
  );

  app.get(
    '/charts',
    {
      schema: {
        summary:
          'This period’s songs by routed value so far, with counted plays and seconds (provisional, PROTOCOL.md §7.3)',
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: MAX_CHART_LIMIT, default: DEFAULT_CHART_LIMIT },
          },
          additionalProperties: false,
        },
        response: { 200: chartsBody, ...errorResponses },
      },
    },
    (request): ChartsBody => {
      const { limit } = request.query as { limit: number };
      const now = provisional.get();
      const view = chain.state();
      return {
        height: Number(now.tipHeight),
        period: Number(now.period),
        settlesAt: Number(now.settlesAt),
        songs: now.chart.slice(0, limit).map((id, i) => {
          const song = view.song(fromHex(id));
          if (song === undefined) throw new Error(`song ${id} has counted plays and no 0x03 entry`);
          const played = now.plays.get(id)!;
          const valued = now.songValues.get(id);
          return {
            rank: i + 1,
            id,
            title: song.title,
            owner: address(song.owner),
            plays: Number(played.plays),
            seconds: Number(played.seconds),
            value: (valued?.value ?? 0n).toString(),
            matched: (valued?.matched ?? 0n).toString(),
          };
        }),
      };
    },
  );
}
