// The composition root: builds each part with (opts, modules), wires their
// events, and starts and stops them in order. No rules live here.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startApi, type ApiMining } from '../api/server.js';
import { Chain } from '../chain/chain.js';
import type { Entry } from '../chain/index-entry.js';
import { getPublicKey } from '../crypto/ed25519.js';
import { Mempool, type MempoolOptions } from '../mempool/mempool.js';
import { KeyMiner } from '../miner/key-miner.js';
import { Leader } from '../miner/leader.js';
import { submitKeyBlock } from '../miner/submit.js';
import { keyBlockTemplate } from '../miner/template.js';
import { decodeAddress, encodeAddress } from '../protocol/address.js';
import { txId } from '../protocol/tx.js';
import { NETWORKS, type NetworkName, type NetworkParams } from '../protocol/params.js';
import { Storage } from '../storage/db.js';
import type { Logger } from '../util/logger.js';
import { lockDataDir } from './lock.js';
import { API_TOKEN_FILE, NODE_KEY_FILE, loadOrCreateSecret } from './secrets.js';

export interface NodeConfig {
  readonly network: NetworkName;
  readonly datadir: string;
  readonly mine: boolean;
  readonly threads: number;
  /** Address the mined key blocks pay; required when mining. */
  readonly payout: string | undefined;
  /** At least this long between our key blocks (devnet pacing); 0: mine continuously. */
  readonly blockIntervalMs: number;
  readonly microblockIntervalMs: number;
  readonly apiHost: string;
  readonly apiPort: number;
  readonly statusIntervalMs: number;
  readonly mempool: Partial<MempoolOptions>;
}

export interface NodeModules {
  readonly logger: Logger;
  /** Unix milliseconds. */
  readonly now?: () => number;
}

export const CHAIN_DIR = 'chain';

export class AltostreamNode {
  private statusTimer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private refreshQueued = false;
  private stopping: Promise<void> | null = null;

  private constructor(
    readonly config: NodeConfig,
    readonly params: NetworkParams,
    private readonly logger: Logger,
    private readonly releaseLock: () => void,
    private readonly storage: Storage,
    readonly chain: Chain,
    readonly mempool: Mempool,
    readonly leader: Leader,
    private readonly api: Awaited<ReturnType<typeof startApi>>,
    readonly miner: KeyMiner | null,
  ) {}

  static async start(config: NodeConfig, mods: NodeModules): Promise<AltostreamNode> {
    const params = NETWORKS[config.network];
    const now = mods.now ?? Date.now;
    const logger = mods.logger;
    mkdirSync(config.datadir, { recursive: true, mode: 0o700 });
    const releaseLock = lockDataDir(config.datadir);
    const cleanup: (() => Promise<void> | void)[] = [releaseLock];
    try {
      const payout = config.payout === undefined ? undefined : decodeAddress(params.hrp, config.payout);
      const nodeSeed = loadOrCreateSecret(config.datadir, NODE_KEY_FILE);
      const token = Buffer.from(loadOrCreateSecret(config.datadir, API_TOKEN_FILE)).toString('hex');
      const storage = Storage.open(join(config.datadir, CHAIN_DIR));
      cleanup.unshift(() => storage.close());
      // The mempool verified each of its transactions' signatures on the way in: a block carrying them
      // need not verify them again. Built after the chain, so the chain reaches it through this holder.
      const verified: { mempool?: Mempool } = {};
      const chain = Chain.open(storage, {
        params,
        now,
        alreadyVerified: (tx) => verified.mempool?.has(txId(tx)) ?? false,
      });
      const mempool = new Mempool(config.mempool, {
        chain,
        params,
        now,
        logger: logger.child({ module: 'mempool' }),
      });
      verified.mempool = mempool;
      const leader = new Leader(
        { seed: nodeSeed, intervalMs: config.microblockIntervalMs },
        {
          chain,
          txs: mempool,
          params,
          now,
          logger: logger.child({ module: 'leader' }),
          submit: (block) => chain.add({ kind: 'micro', block }),
        },
      );
      const leaderKey = getPublicKey(nodeSeed);
      let miner: KeyMiner | null = null;
      const mining: ApiMining = {
        template: (to) => {
          const pay = to ?? payout;
          if (pay === undefined) return undefined;
          return keyBlockTemplate(
            chain.nextKeyBlock(),
            { leaderKey, payout: pay, nowS: Math.floor(now() / 1000) },
            params,
          );
        },
        submit: (block) => submitKeyBlock(chain, block),
        hashRate: () => miner?.hashRate() ?? 0,
        get active() {
          return miner !== null;
        },
      };
      const api = await startApi(
        { host: config.apiHost, port: config.apiPort },
        {
          chain,
          mempool,
          mining,
          params,
          peers: () => 0,
          token,
          now,
          logger: logger.child({ module: 'api' }),
        },
      );
      cleanup.unshift(() => api.close());
      if (config.mine) {
        if (payout === undefined) throw new Error('mining needs a payout address');
        miner = await KeyMiner.start(
          {
            threads: config.threads,
            leaderKey,
            payout,
            blockIntervalMs: config.blockIntervalMs,
          },
          {
            chain,
            params,
            now,
            logger: logger.child({ module: 'miner' }),
            submit: (block) => submitKeyBlock(chain, block),
            beforeTemplate: () => {
              leader.flush();
            },
          },
        );
      }
      const node = new AltostreamNode(
        config,
        params,
        logger,
        releaseLock,
        storage,
        chain,
        mempool,
        leader,
        api,
        miner,
      );
      node.wire();
      logger.info(
        {
          network: params.name,
          datadir: config.datadir,
          api: node.apiUrl,
          tip: Number(chain.tip.keyHeight),
          mining: config.mine
            ? { payout: encodeAddress(params.hrp, payout!), threads: config.threads }
            : false,
        },
        'node started',
      );
      return node;
    } catch (error) {
      for (const step of cleanup) await step();
      throw error;
    }
  }

  get apiUrl(): string {
    const address = this.api.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : this.config.apiPort;
    return `http://${this.config.apiHost}:${port}`;
  }

  private wire(): void {
    const { chain, mempool, leader } = this;
    // Within a reorg the chain reports disconnections, then connections, then the reorg itself.
    chain.on('disconnected', (entry) => {
      if (entry.kind === 'micro') mempool.onBlockDisconnected(entry.block.txs);
    });
    chain.on('connected', (entry: Entry) => {
      mempool.onBlockConnected(entry.kind === 'micro' ? entry.block.txs : []);
      if (entry.kind === 'key') mempool.expire();
      this.queueRefresh();
    });
    chain.on('reorged', (reorg) => {
      mempool.revalidate();
      this.logger.warn(
        {
          from: reorg.from.hex,
          to: reorg.to.hex,
          disconnected: reorg.disconnected,
          connected: reorg.connected,
        },
        'reorganised',
      );
    });
    mempool.on('accepted', () => {
      leader.poke();
    });
    this.statusTimer = setInterval(() => {
      this.logger.info(this.status(), this.statusLine());
    }, this.config.statusIntervalMs);
    this.expiryTimer = setInterval(() => {
      mempool.expire();
    }, 60_000);
    leader.poke();
  }

  /** One refresh per burst of chain events: a reorg connects many blocks in one go. */
  private queueRefresh(): void {
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    queueMicrotask(() => {
      this.refreshQueued = false;
      this.miner?.refresh();
      this.leader.poke();
    });
  }

  status(): { height: number; hashRate: number; peers: number; mempool: number; lastBlockAgeS: number } {
    const tip = this.chain.tip;
    return {
      height: Number(tip.keyHeight),
      hashRate: this.miner?.hashRate() ?? 0,
      peers: 0,
      mempool: this.mempool.count,
      lastBlockAgeS: Math.max(0, Math.round((Date.now() - Number(tip.timeMs)) / 1000)),
    };
  }

  statusLine(): string {
    const s = this.status();
    return `height ${s.height} · ${s.hashRate.toFixed(1)} H/s · ${s.peers} peers · mempool ${s.mempool} · last block ${s.lastBlockAgeS} s ago`;
  }

  /** Stops in reverse order of start; resolves once LMDB is flushed and closed. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    if (this.statusTimer !== null) clearInterval(this.statusTimer);
    if (this.expiryTimer !== null) clearInterval(this.expiryTimer);
    this.leader.stop();
    await this.miner?.stop();
    await this.api.close();
    // Nothing writes any more: what is logged here is what the next start finds.
    const tip = this.chain.tip;
    const last = {
      tip: tip.hex,
      height: Number(tip.keyHeight),
      digest: Buffer.from(this.chain.digest()).toString('hex'),
    };
    await this.storage.flushed();
    await this.storage.close();
    this.releaseLock();
    this.logger.info(last, 'node stopped');
  }
}
