// The composition root: builds each part with (opts, modules), wires their
// events, and starts and stops them in order. No rules live here.
import { join } from 'node:path';
import { startApi, type ApiMining } from '../api/server.js';
import { Chain } from '../chain/chain.js';
import { ACTIVATION_FALLBACK } from '../consensus/activation.js';
import { SignatureCache } from '../consensus/signature-cache.js';
import type { Entry } from '../chain/index-entry.js';
import { getPublicKey } from '../crypto/ed25519.js';
import { Mempool, type MempoolOptions } from '../mempool/mempool.js';
import { KeyMiner } from '../miner/key-miner.js';
import { EndorsementPool } from '../miner/endorsements.js';
import { Activator } from '../miner/activator.js';
import { Validator } from '../validator/validator.js';
import { accountId } from '../protocol/address.js';
import { Leader } from '../miner/leader.js';
import { Mining } from '../miner/mining.js';
import { StratumServer, type StratumOptions } from '../stratum/server.js';
import { decodeAddress, encodeAddress } from '../protocol/address.js';
import { MAX_AMOUNT } from '../protocol/amount.js';
import { NETWORKS, type NetworkName, type NetworkParams } from '../protocol/params.js';
import { BanTable } from '../storage/ban-table.js';
import { Storage } from '../storage/db.js';
import type { Logger } from '../util/logger.js';
import { prepareDataDir } from './datadir.js';
import { lockDataDir, lockValidatorKey } from './lock.js';
import { formatStatusLine, type NodeSummary } from './status-line.js';
import { STOP_DEADLINE_MS, stopInOrder } from './stop-steps.js';
import { NodeMetrics } from './metrics/node-metrics.js';
import { MetricsServer, type MetricsAddress } from './metrics/server.js';
import { API_TOKEN_FILE, NODE_KEY_FILE, P2P_KEY_FILE, loadOrCreateSecret } from './secrets.js';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { P2pNetwork, peerIdOfAddress } from '../p2p/network.js';
import { fromHex, toHex } from '../util/bytes.js';
import { InvalidArgumentError } from '../util/errors.js';

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
  /** Most GET /events streams open at once (the API's default when left out). */
  readonly apiMaxStreams?: number;
  /** Requests per client IP address per minute before 429 (the API's default when left out). */
  readonly apiRateLimit?: number;
  /** Whether loopback clients count against apiRateLimit too (exempt when left out). */
  readonly apiRateLimitLoopback?: boolean;
  /** Origins allowed by CORS; empty or left out: CORS off. */
  readonly apiCors?: readonly string[];
  /** Where Prometheus scrapes GET /metrics, on its own server; null or left out: off. */
  readonly metrics?: { readonly host: string; readonly port: number } | null;
  readonly statusIntervalMs: number;
  readonly mempool: Partial<MempoolOptions>;
  /** null: no P2P (devnet). */
  readonly p2p: P2pConfig | null;
  /** null or left out: no Stratum server. */
  readonly stratum?: StratumOptions | null;
  /** Validator mode (§5.3): the validator key's secret seed; null or left out: off. */
  readonly validator?: { readonly seed: Uint8Array } | null;
  /**
   * Regtest only: BOOTSTRAP_MIN_VALIDATOR_STAKE in base units, a start value
   * that must match across the network's nodes (§1.2); §12's when left out.
   */
  readonly regtestBootstrapStake?: bigint;
}

export interface P2pConfig {
  readonly listen: readonly string[];
  readonly bootstrap: readonly string[];
  readonly maxPeers: number;
  /** Inbound peers per IP address, 0 for no limit (p2p/slots.ts's default when left out). */
  readonly maxPeersPerIp?: number;
  /** Addresses and CIDR ranges exempt from the per-IP limit and from eviction. */
  readonly allowIps?: readonly string[];
  readonly banMs: number;
  readonly stallMs: number;
}

export interface NodeModules {
  /** The root logger: each part gets a child with its `module`, the node's own lines 'node'. */
  readonly logger: Logger;
  /** Unix milliseconds. */
  readonly now?: () => number;
}

export const CHAIN_DIR = 'chain';

/**
 * Every bootstrap address must name its peer (/p2p/<id>): the handshake then
 * proves we reached that node, and a connected peer is not dialled again.
 */
function checkBootstrap(addresses: readonly string[]): void {
  for (const address of addresses) {
    if (peerIdOfAddress(address) !== null) continue;
    throw new InvalidArgumentError(
      'bad-flag',
      `--bootstrap ${address} does not name the peer: append /p2p/<peer id>, as in the addresses the other node lists as "listen" in its "node started" line and its GET /status`,
    );
  }
}

/**
 * The one NetworkParams this node runs with: the network's, with regtest's
 * configured start values applied (§1.2). Everything reads it, so nothing
 * can see another BOOTSTRAP_MIN_VALIDATOR_STAKE.
 */
export function nodeParams(config: Pick<NodeConfig, 'network' | 'regtestBootstrapStake'>): NetworkParams {
  const base = NETWORKS[config.network];
  const stake = config.regtestBootstrapStake;
  if (stake === undefined) return base;
  if (config.network !== 'regtest') {
    throw new InvalidArgumentError('bad-flag', '--regtest-bootstrap-stake is for the regtest network only');
  }
  if (stake < 1n || stake > MAX_AMOUNT) {
    throw new InvalidArgumentError(
      'bad-flag',
      `--regtest-bootstrap-stake must be 1 base unit to 2^128−1, got ${stake}`,
    );
  }
  return { ...base, poa: { ...base.poa, bootstrapMinValidatorStake: stake } };
}

export class AltostreamNode {
  private statusTimer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private refreshQueued = false;
  private stopping: Promise<void> | null = null;
  /** Serves GET /metrics; null when config.metrics is null or left out. */
  private metricsServer: MetricsServer | null = null;

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
    readonly mining: Mining,
    readonly stratum: StratumServer | null,
    readonly miner: KeyMiner | null,
    readonly network: P2pNetwork | null,
    /** Checked endorsements of waiting candidates, one per (key block, slot). */
    readonly endorsements: EndorsementPool,
    private readonly activator: Activator,
    readonly validator: Validator | null,
    private readonly releaseValidatorKey: (() => void) | null,
  ) {}

  static async start(config: NodeConfig, mods: NodeModules): Promise<AltostreamNode> {
    const params = nodeParams(config);
    const now = mods.now ?? Date.now;
    const logger = mods.logger;
    // The node's own lines (started, stopped, status, reorgs) carry a module like every other line.
    const log = logger.child({ module: 'node' });
    checkBootstrap(config.p2p?.bootstrap ?? []);
    prepareDataDir(config.datadir);
    const releaseLock = lockDataDir(config.datadir);
    const cleanup: (() => Promise<void> | void)[] = [releaseLock];
    try {
      const payout = config.payout === undefined ? undefined : decodeAddress(params.hrp, config.payout);
      const nodeSeed = loadOrCreateSecret(config.datadir, NODE_KEY_FILE);
      const token = toHex(loadOrCreateSecret(config.datadir, API_TOKEN_FILE));
      const storage = Storage.open(join(config.datadir, CHAIN_DIR));
      cleanup.unshift(() => storage.close());
      const metrics = config.metrics === undefined || config.metrics === null ? null : new NodeMetrics();
      // The mempool notes each signature it verifies; a block carrying those transactions skips them.
      const signatures = new SignatureCache();
      const chain = Chain.open(storage, {
        params,
        now,
        signatures,
        logger: logger.child({ module: 'chain' }),
        metrics: metrics?.chain,
      });
      const mempool = new Mempool(config.mempool, {
        chain,
        params,
        now,
        signatures,
        logger: logger.child({ module: 'mempool' }),
      });
      const leader = new Leader(
        { seed: nodeSeed, intervalMs: config.microblockIntervalMs },
        {
          chain,
          txs: mempool,
          params,
          now,
          logger: logger.child({ module: 'leader' }),
          submit: (block) => chain.add({ kind: 'micro', block }),
          durable: () => storage.flushed(),
          broadcast: (block) => {
            network?.publishMicroblock(block);
          },
          ownCandidateOn: (tipId): boolean => activator.waitsOn(tipId),
        },
      );
      const leaderKey = getPublicKey(nodeSeed);
      // Checked endorsements of waiting candidates, from gossip (and later our own validator): the
      // leader builds M_{h,0}'s activation section from it (§5.4).
      const endorsements = new EndorsementPool(
        { slots: params.poa.slots },
        { metrics: metrics?.endorsements },
      );
      const activator = new Activator(
        {},
        { leader, endorsements, chain, params, logger: logger.child({ module: 'leader' }) },
      );
      cleanup.unshift(() => {
        activator.stop();
      });
      let network: P2pNetwork | null = null;
      if (config.p2p !== null) {
        network = await P2pNetwork.start(
          {
            network: params.name,
            privateKey: await generateKeyPairFromSeed(
              'Ed25519',
              loadOrCreateSecret(config.datadir, P2P_KEY_FILE),
            ),
            ...config.p2p,
          },
          {
            chain,
            genesisId: fromHex(params.genesis.id),
            addBlock: (block, options) => chain.add(block, options),
            addTx: (tx) => mempool.add(tx, 'gossip'),
            params,
            hasEndorsement: (id, index) => endorsements.has(id, index),
            onEndorsement: (endorsement, slot) => {
              endorsements.add({ keyBlockId: endorsement.keyBlockId, slot, sig: endorsement.sig });
              activator.onEndorsement(endorsement.keyBlockId);
            },
            logger: logger.child({ module: 'p2p' }),
            now,
            banStore: new BanTable(storage),
          },
        );
        const started = network;
        cleanup.unshift(() => started.stop());
      }
      const mining = new Mining(
        { leaderKey, payout },
        {
          chain,
          params,
          now,
          publish: (block) => {
            network?.publishKeyBlock(block);
          },
        },
      );
      cleanup.unshift(() => {
        mining.stop();
      });
      let miner: KeyMiner | null = null;
      const apiMining: ApiMining = {
        template: (to) => mining.template(to),
        submit: (block) => mining.submit(block),
        candidates: () => mining.candidates(),
        hashRate: () => miner?.hashRate() ?? 0,
        hashes: () => miner?.hashes() ?? 0,
        pausedForMs: () => miner?.pausedForMs() ?? null,
        get active() {
          return miner !== null;
        },
      };
      let stratum: StratumServer | null = null;
      if (config.stratum !== undefined && config.stratum !== null) {
        stratum = await StratumServer.start(config.stratum, {
          mining,
          params,
          now,
          logger: logger.child({ module: 'stratum' }),
          metrics: metrics?.stratum,
        });
        const started = stratum;
        cleanup.unshift(() => started.close());
      }
      let validator: Validator | null = null;
      let releaseValidatorKey: (() => void) | null = null;
      if (config.validator !== undefined && config.validator !== null) {
        const { seed } = config.validator;
        const account = accountId(getPublicKey(seed));
        const release = lockValidatorKey(toHex(account), encodeAddress(params.hrp, account));
        releaseValidatorKey = release;
        cleanup.unshift(release);
        const started = new Validator(seed, {
          chain,
          params,
          logger: logger.child({ module: 'validator' }),
          publish: (e) => {
            // Ours: into the pool like any checked endorsement, and out to peers.
            endorsements.add({
              keyBlockId: e.keyBlockId,
              slot: { index: e.index, validatorKey: e.validatorKey, account },
              sig: e.sig,
            });
            activator.onEndorsement(e.keyBlockId);
            network?.publishEndorsement(e);
          },
        });
        cleanup.unshift(() => {
          started.stop();
        });
        validator = started;
      }
      const api = await startApi(
        { host: config.apiHost, port: config.apiPort },
        {
          chain,
          mempool,
          mining: apiMining,
          stratum,
          validator,
          params,
          network,
          token,
          now,
          logger: logger.child({ module: 'api' }),
          eventStreams: config.apiMaxStreams === undefined ? {} : { maxStreams: config.apiMaxStreams },
          rateLimit: {
            ...(config.apiRateLimit === undefined ? {} : { max: config.apiRateLimit }),
            ...(config.apiRateLimitLoopback === undefined ? {} : { loopback: config.apiRateLimitLoopback }),
          },
          cors: config.apiCors ?? [],
          metrics: metrics?.api,
        },
      );
      cleanup.unshift(() => api.close());
      let metricsServer: MetricsServer | null = null;
      if (metrics !== null && config.metrics !== undefined && config.metrics !== null) {
        metrics.watch({
          chain,
          mempool,
          network,
          miner: () => miner,
          stratum,
          pool: endorsements,
          validator,
          storageDir: join(config.datadir, CHAIN_DIR),
        });
        const started = await MetricsServer.start(config.metrics, {
          registry: metrics.registry,
          logger: logger.child({ module: 'metrics' }),
        });
        metricsServer = started;
        cleanup.unshift(() => started.close());
      }
      if (config.mine) {
        if (payout === undefined) throw new Error('mining needs a payout address');
        miner = await KeyMiner.start(
          {
            threads: config.threads,
            payout,
            blockIntervalMs: config.blockIntervalMs,
          },
          {
            chain,
            mining,
            now,
            logger: logger.child({ module: 'miner' }),
            beforeTemplate: () => {
              leader.flush();
            },
          },
        );
      }
      const node = new AltostreamNode(
        config,
        params,
        log,
        releaseLock,
        storage,
        chain,
        mempool,
        leader,
        api,
        mining,
        stratum,
        miner,
        network,
        endorsements,
        activator,
        validator,
        releaseValidatorKey,
      );
      node.metricsServer = metricsServer;
      node.wire();
      log.info(
        {
          network: params.name,
          datadir: config.datadir,
          api: node.apiUrl,
          // The operator's page: tip, blocks, hash rate, peers, supply, and a browser benchmark.
          dashboard: `${node.apiUrl}/`,
          tip: Number(chain.tip.keyHeight),
          mining: config.mine
            ? { payout: encodeAddress(params.hrp, payout!), threads: config.threads }
            : false,
          // What another node passes to --bootstrap to reach this one.
          p2p: network === null ? false : { peerId: network.peerId, listen: network.listenAddresses() },
          stratum: stratum === null ? false : { port: stratum.port, mode: config.stratum!.mode },
          metrics: metricsServer?.url ?? false,
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

  /** Where GET /metrics is served (the bound port, when config.metrics.port was 0); null when off. */
  metricsAddress(): MetricsAddress | null {
    const server = this.metricsServer;
    return server === null ? null : { host: server.host, port: server.port };
  }

  private wire(): void {
    const { chain, mempool, leader } = this;
    // Within a reorg the chain reports disconnections, then connections, then the reorg itself.
    chain.on('disconnected', (_entry, body) => {
      if (body.kind === 'micro') mempool.onBlockDisconnected(body.block.txs);
    });
    chain.on('connected', (entry: Entry, body) => {
      mempool.onBlockConnected(body.kind === 'micro' ? body.block.txs : []);
      if (entry.kind === 'key') {
        mempool.expire();
        if (entry.activation === ACTIVATION_FALLBACK) {
          // §5.4: the stake that should have endorsed was gone for ACTIVATION_FALLBACK.
          this.logger.warn(
            { keyBlock: entry.hex, height: Number(entry.keyHeight) },
            'key block fallback-activated: no endorsements for ACTIVATION_FALLBACK; idle validators move to unbonding',
          );
        }
        // A key block that came by sync is not gossiped: the status tells peers what to fetch.
        this.network?.announceTip();
      }
      this.queueRefresh();
    });
    chain.on('candidate', (key) => {
      this.activator.onCandidate(key);
    });
    chain.on('reorged', (reorg) => {
      mempool.revalidate();
      this.network?.announceTip();
      // A reorg is how proof of work settles a race, not a fault: info, as Bitcoin Core logs it.
      this.logger.info(
        {
          from: reorg.from.hex,
          to: reorg.to.hex,
          disconnected: reorg.disconnected,
          connected: reorg.connected,
        },
        'reorganised',
      );
    });
    mempool.on('accepted', (entry, origin) => {
      leader.poke();
      // Only our own go out. Gossipsub relays one that came by gossip when we ACCEPT it (§10.2);
      // one back from a disconnected microblock was gossiped when first sent, and peers on the new
      // branch re-add it from their own copy of that microblock.
      if (origin === 'local') this.network?.publishTx(entry.tx);
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
      this.leader.poke();
    });
  }

  status(): NodeSummary {
    const tip = this.chain.tip;
    const pausedMs = this.miner?.pausedForMs() ?? null;
    return {
      height: Number(tip.keyHeight),
      mining: this.miner !== null,
      hashRate: this.miner?.hashRate() ?? 0,
      pacedForS: pausedMs === null ? null : pausedMs / 1000,
      peers: this.network?.peerCount() ?? 0,
      mempool: this.mempool.count,
      lastBlockAgeS: Math.max(0, Math.round((Date.now() - Number(tip.timeMs)) / 1000)),
      sync: this.network?.syncProgress() ?? null,
      stratum: this.stratum?.summary() ?? null,
      validator: this.validator?.stats() ?? null,
    };
  }

  statusLine(): string {
    return formatStatusLine(this.status());
  }

  /** Stops in reverse order of start; resolves once LMDB is flushed and closed. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /**
   * Each part in turn; nothing may stay behind that holds the event loop (timers, sockets, worker
   * threads), so the process exits by itself once this resolves. Past STOP_DEADLINE_MS the log
   * names the part still stopping.
   */
  private async shutdown(): Promise<void> {
    const started = Date.now();
    this.logger.info({ deadlineS: STOP_DEADLINE_MS / 1000 }, 'stopping');
    if (this.statusTimer !== null) clearInterval(this.statusTimer);
    if (this.expiryTimer !== null) clearInterval(this.expiryTimer);
    let last: { tip: string; height: number; digest: string } | undefined;
    await stopInOrder(
      [
        {
          part: 'leader',
          stop: async () => {
            this.leader.stop();
            // What the leader signed and stored goes out before the network stops.
            await this.leader.settled();
          },
        },
        { part: 'miner', stop: () => this.miner?.stop() },
        {
          part: 'validator',
          stop: () => {
            this.validator?.stop();
            this.activator.stop();
          },
        },
        { part: 'stratum', stop: () => this.stratum?.close() },
        {
          part: 'mining',
          stop: () => {
            this.mining.stop();
          },
        },
        { part: 'p2p', stop: () => this.network?.stop() },
        { part: 'metrics', stop: () => this.metricsServer?.close() },
        { part: 'api', stop: () => this.api.close() },
        {
          part: 'storage',
          stop: async () => {
            // Nothing writes any more: what is logged here is what the next start finds.
            const tip = this.chain.tip;
            last = { tip: tip.hex, height: Number(tip.keyHeight), digest: toHex(this.chain.digest()) };
            await this.storage.flushed();
            await this.storage.close();
          },
        },
        {
          part: 'node',
          stop: () => {
            this.releaseValidatorKey?.();
            this.releaseLock();
          },
        },
      ],
      { deadlineMs: STOP_DEADLINE_MS, logger: this.logger },
    );
    this.logger.info({ ...last, tookMs: Date.now() - started }, 'node stopped');
  }
}
