// Network parameters (PROTOCOL.md §1.2, §1.3, §12). Devnet is a mode of
// regtest (§1.2), not a network of its own.
import { BASE_UNITS_PER_ALTO } from './amount.js';

export type NetworkName = 'mainnet' | 'testnet' | 'regtest';

export interface GenesisAllocation {
  /** Hex account id. */
  readonly account: string;
  readonly amount: bigint;
}

export interface NetworkParams {
  readonly name: NetworkName;
  /** Key-block body magic, in wire byte order. */
  readonly magic: Uint8Array;
  readonly chainId: string;
  readonly hrp: string;
  readonly ports: { readonly p2p: number; readonly api: number; readonly stratum: number };
  readonly genesis: {
    readonly time: number;
    readonly bits: number;
    readonly allocations: readonly GenesisAllocation[];
    /** Hex, as §1.3 lists it. */
    readonly id: string;
  };
  /** Compact form of POW_LIMIT (§3.6). */
  readonly powLimitBits: number;
  /** LWMA-1 window and target spacing in seconds; null: `bits` fixed at powLimitBits. */
  readonly retarget: { readonly window: number; readonly spacing: number } | null;
  readonly mtpWindow: number;
  readonly keyBlockFutureLimitS: number;
  readonly microblockFutureLimitMs: number;
  readonly minMicroblockIntervalMs: number;
  readonly rewardMaturity: number;
  readonly undoDepth: number;
  readonly cap: bigint;
  readonly baseSubsidy: bigint;
  readonly halvingInterval: number;
  readonly rewardPeriod: number;
  /** MIN_VOTING_PERIOD and MAX_VOTING_PERIOD, in key blocks (§4.10, §12). */
  readonly votingPeriod: { readonly min: number; readonly max: number };
  /** MIN_STAKE per role (§4.7, §12), in base units; governance may change them (the current value counts). */
  readonly minStake: { readonly validator: bigint; readonly app: bigint; readonly infrastructure: bigint };
  /** UNBONDING_PERIOD in key blocks (§4.8). */
  readonly unbondingPeriod: number;
  /** PLAY_REPORT_WINDOW in seconds (§4.9); settlement raises play_floor to K.time minus it (§6.5). */
  readonly playReportWindowS: number;
  /** PLAY_FEE in base units per attestation: a PlayReport's fee is at least count × it (§4.9). */
  readonly playFee: bigint;
  /** LISTENER_MIN_AGE in key blocks: a listener is eligible once reg_height ≤ c − it (§7.1). */
  readonly listenerMinAge: number;
  /** Proof of Activity (§5, §12). */
  readonly poa: PoaParams;
  /** Governance (§4.10, §4.11, §8, §12). */
  readonly governance: GovernanceParams;
  /** The music economy's governable values (§7, §8.3, §12): their values at genesis. */
  readonly music: MusicParams;
}

export interface GovernanceParams {
  /** PROPOSAL_DEPOSIT in base units, moved to escrow by a Proposal (§4.10). */
  readonly proposalDeposit: bigint;
  /** PARAM_CHANGE_DELAY in key blocks: a passed change applies at end + 1 + it (§8.3). */
  readonly paramChangeDelay: number;
  /** GOVERNANCE_WINDOW in key blocks: who voted this recently earns voting rewards (§8.4). */
  readonly governanceWindow: number;
}

/** The values governance may change later (§8.3 ids 5–12); rules read the value in force, not these. */
export interface MusicParams {
  readonly minPlaySeconds: number;
  readonly maxPlaysPerSongPerListener: number;
  readonly maxSecondsPerListenerPerPeriod: number;
  /** Base units. */
  readonly minSubscriptionPerPeriod: bigint;
  /** Basis points. */
  readonly matchMusiciansBp: number;
  readonly matchListenersBp: number;
  readonly matchAppsBp: number;
  /** Seconds. */
  readonly engagementTargetS: number;
}

export interface PoaParams {
  /** N: endorsement slots per key block (§5.2). */
  readonly slots: number;
  /** M: endorsements an activation section needs (§5.4). */
  readonly required: number;
  /** ACTIVATION_FALLBACK in seconds (§5.4). */
  readonly fallbackS: number;
  /** FALLBACK_IDLE_TIME in seconds (§5.4). */
  readonly fallbackIdleS: number;
  /** BOOTSTRAP_MIN_VALIDATOR_STAKE in base units (§5.1); on regtest a start value every node must share. */
  readonly bootstrapMinValidatorStake: bigint;
}

const ALTO = BASE_UNITS_PER_ALTO;

// §12's size limits (microblock bytes and transactions, MAX_TX_SIZE) are the same on every network and
// live with the codecs that enforce them: MAX_MICROBLOCK_BYTES, MAX_MICROBLOCK_TXS, MAX_TX_BYTES.
const COMMON = {
  mtpWindow: 11,
  keyBlockFutureLimitS: 7200,
  microblockFutureLimitMs: 120_000,
  undoDepth: 288,
  cap: 25_000_000n * ALTO,
  baseSubsidy: (125n * ALTO) / 10n,
  playReportWindowS: 86_400,
} as const;

const MUSIC: MusicParams = {
  minPlaySeconds: 30,
  maxPlaysPerSongPerListener: 10,
  maxSecondsPerListenerPerPeriod: 64_800,
  minSubscriptionPerPeriod: ALTO,
  matchMusiciansBp: 300,
  matchListenersBp: 100,
  matchAppsBp: 100,
  engagementTargetS: 36_000,
};

export const MAINNET: NetworkParams = {
  ...COMMON,
  name: 'mainnet',
  magic: Uint8Array.from([0xa1, 0x70, 0x57, 0x4d]),
  chainId: 'altostream-mainnet-1',
  hrp: 'alto',
  ports: { p2p: 7370, api: 7371, stratum: 3337 },
  genesis: {
    time: 1798761600,
    bits: 0x1f00ffff,
    allocations: [],
    id: '78625a3615f26cea48e9002309693aa0cda0e2b715a2139eade6374865f3316a',
  },
  powLimitBits: 0x1f00ffff,
  retarget: { window: 90, spacing: 60 },
  minMicroblockIntervalMs: 2000,
  rewardMaturity: 100,
  halvingInterval: 1_000_000,
  rewardPeriod: 1440,
  votingPeriod: { min: 1440, max: 40_320 },
  minStake: { validator: 10_000n * ALTO, app: 1000n * ALTO, infrastructure: 5000n * ALTO },
  unbondingPeriod: 10_080,
  playFee: 10n ** 13n,
  listenerMinAge: 10_080,
  poa: {
    slots: 5,
    required: 3,
    fallbackS: 21_600,
    fallbackIdleS: 172_800,
    bootstrapMinValidatorStake: 100_000n * ALTO,
  },
  governance: { proposalDeposit: 100n * ALTO, paramChangeDelay: 2880, governanceWindow: 43_200 },
  music: MUSIC,
};

export const TESTNET: NetworkParams = {
  ...MAINNET,
  name: 'testnet',
  magic: Uint8Array.from([0xa1, 0x70, 0x57, 0x54]),
  chainId: 'altostream-testnet-1',
  hrp: 'talto',
  ports: { p2p: 17370, api: 17371, stratum: 13337 },
  genesis: {
    time: 1796083200,
    bits: 0x1f00ffff,
    allocations: [{ account: '1c789d754d725dc50f2bed414ef6d1fe805e77a4', amount: 1_000_000n * ALTO }],
    id: '0c45b06e3db259aeeed1dfd04778d7d4ca5346d7f64391c7ce0a694f291710dc',
  },
};

export const REGTEST: NetworkParams = {
  ...COMMON,
  name: 'regtest',
  magic: Uint8Array.from([0xa1, 0x70, 0x57, 0x52]),
  chainId: 'altostream-regtest',
  hrp: 'ralto',
  ports: { p2p: 27370, api: 27371, stratum: 23337 },
  genesis: {
    time: 1767225600,
    bits: 0x207fffff,
    allocations: [{ account: 'e2bf0e089ca918dd0becba667fb6831b439a6dcc', amount: 1_000_000n * ALTO }],
    id: 'd1414006a437699331eaf27023399c714ef860e19339a33fd53e8f02774f50cf',
  },
  powLimitBits: 0x207fffff,
  retarget: null,
  minMicroblockIntervalMs: 0,
  rewardMaturity: 2,
  halvingInterval: 150,
  rewardPeriod: 10,
  votingPeriod: { min: 2, max: 100 },
  minStake: { validator: ALTO, app: ALTO, infrastructure: ALTO },
  unbondingPeriod: 5,
  playFee: 0n,
  listenerMinAge: 2,
  poa: {
    slots: 5,
    required: 3,
    fallbackS: 600,
    fallbackIdleS: 1200,
    // Always bootstrap unless a node is started with another value (every node of a regtest network alike).
    bootstrapMinValidatorStake: (1n << 128n) - 1n,
  },
  governance: { proposalDeposit: ALTO, paramChangeDelay: 2, governanceWindow: 20 },
  music: { ...MUSIC, minSubscriptionPerPeriod: ALTO / 1000n },
};

export const NETWORKS: Readonly<Record<NetworkName, NetworkParams>> = {
  mainnet: MAINNET,
  testnet: TESTNET,
  regtest: REGTEST,
};

/** The public faucet seeds (§1.3): SHA-256 of these strings. */
export const FAUCET_SEED_TEXT: Readonly<Partial<Record<NetworkName, string>>> = {
  regtest: 'ALTO regtest faucet',
  testnet: 'ALTO testnet faucet v1',
};
