// The layers of `altostream node`'s settings, highest first: command-line
// flags, ALTO_* environment variables, the config file, the defaults of
// settings.ts. A key takes its whole value from the highest layer that sets
// it (a list too: listen lines in the file are replaced, not extended, by a
// --listen flag). Nothing here writes: the file is only read.
//
// The config file is `key = value` lines as in bitcoin.conf: `#` starts a
// comment at the start of a line or after a space, blank lines are skipped, a
// repeatable key (listen, bootstrap, allow-ip, api-cors) is given once per
// line, booleans are 1, 0, true or false. Any other key is an error naming the
// file and line: a typo is not left to run with a default.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../util/errors.js';
import { parseBooleanValue, parseNetworkFlag } from './config.js';
import {
  SETTINGS,
  SETTING_KEYS,
  envName,
  type RawValue,
  type Setting,
  type SettingContext,
  type SettingKey,
  type SettingValues,
} from './settings.js';

/** The config file's name in the data directory. */
export const CONFIG_FILE = 'altostream.conf';
/** The prefix of the environment variables the node reads. */
export const ENV_PREFIX = 'ALTO_';
/** How far (in edits) a misspelt key may be from a real one to be suggested. */
const SUGGEST_DISTANCE = 3;
/** The keys a file may give on several lines. */
const REPEATABLE = SETTING_KEYS.filter((key) => SETTINGS[key].kind === 'list');

export type SettingSource =
  | { readonly kind: 'default' }
  | { readonly kind: 'flag' }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'file'; readonly path: string; readonly line: number };

/** One layer's raw value of a key; a list from the file keeps each item's line. */
interface Layered {
  readonly raw: RawValue;
  readonly source: SettingSource;
  readonly itemSources?: readonly SettingSource[];
}

export interface LayerInputs {
  /** parseArgs' values, keyed by setting. */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Told about what is ignored (an unknown ALTO_* variable). */
  readonly warn: (message: string) => void;
}

export interface ResolvedSettings {
  readonly values: SettingValues;
  /** The config file read, or looked for and not found. */
  readonly configFile: { readonly path: string; readonly found: boolean };
  sourceOf(key: SettingKey): SettingSource;
  /** Whether the value came from anywhere but the defaults. */
  isSet(key: SettingKey): boolean;
  /** How an error names the key: `--api-port`, `ALTO_API_PORT`, `/etc/alto.conf:7 api-port`. */
  label(key: SettingKey): string;
  /** Runs a check of `key`'s value; an InvalidArgumentError names the key by its source. */
  check<T>(key: SettingKey, fn: () => T): T;
  /** The settings as a config file, each value with its source as a comment (--print-config). */
  print(): string[];
}

function labelOf(key: string, source: SettingSource): string {
  switch (source.kind) {
    case 'env':
      return source.name;
    case 'file':
      return `${source.path}:${source.line} ${key}`;
    default:
      return `--${key}`;
  }
}

/** Rewrites an InvalidArgumentError's `--key` into the label of the source it came from. */
function relabel(error: unknown, key: string, source: SettingSource): unknown {
  if (!(error instanceof InvalidArgumentError) || source.kind === 'default' || source.kind === 'flag') {
    return error;
  }
  const flag = new RegExp(`--${key}(?![\\w-])`, 'g');
  return new InvalidArgumentError(error.code, error.message.replace(flag, labelOf(key, source)));
}

function named<T>(key: string, source: SettingSource, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw relabel(error, key, source);
  }
}

function isKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    row = next;
  }
  return row[b.length]!;
}

/** ` (did you mean api-port?)`, or nothing when no key is close. */
function suggestion(key: string, spell: (key: string) => string): string {
  let best: string | undefined;
  let bestDistance = SUGGEST_DISTANCE + 1;
  for (const candidate of SETTING_KEYS) {
    const d = distance(key, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best === undefined ? '' : ` (did you mean ${spell(best)}?)`;
}

function configError(message: string): InvalidArgumentError {
  return new InvalidArgumentError('bad-config', message);
}

/** A raw value from the environment or the file: booleans and lists are read from the text. */
function rawFromText(key: SettingKey, text: string, source: SettingSource): RawValue {
  const setting: Setting<unknown> = SETTINGS[key];
  if (setting.kind === 'boolean') return named(key, source, () => parseBooleanValue(key, text));
  if (setting.kind === 'list') return text.split(',').map((item) => item.trim());
  return text;
}

/**
 * The ALTO_* variables. An empty one counts as unset (`ALTO_API_PORT= altostream node`);
 * an unknown one is warned about, not fatal: the environment is shared with
 * other programs and outlives a renamed setting. A list is comma-separated.
 */
function readEnv(inputs: LayerInputs): Map<SettingKey, Layered> {
  const layer = new Map<SettingKey, Layered>();
  for (const [name, text] of Object.entries(inputs.env)) {
    if (!name.startsWith(ENV_PREFIX) || text === undefined || text === '') continue;
    const key = name.slice(ENV_PREFIX.length).toLowerCase().replace(/_/g, '-');
    if (!isKey(key) || envName(key) !== name) {
      inputs.warn(`${name} is not a setting and is ignored${suggestion(key, envName)}`);
      continue;
    }
    if (SETTINGS[key].sources === 'flag') {
      throw configError(`${name}: ${key} is a command-line flag only: pass --${key}`);
    }
    const source: SettingSource = { kind: 'env', name };
    layer.set(key, { raw: rawFromText(key, text.trim(), source), source });
  }
  return layer;
}

/** The file's lines as key = value entries; `inDataDir` forbids the keys that pick the data dir. */
export function parseConfigText(text: string, path: string, inDataDir: boolean): Map<SettingKey, Layered> {
  const layer = new Map<SettingKey, Layered>();
  const lists = new Map<SettingKey, { items: string[]; sources: SettingSource[] }>();
  text.split(/\r?\n/).forEach((full, index) => {
    const line = index + 1;
    const where = `${path}:${line}`;
    const content = full.replace(/(^|\s)#.*$/, '').trim();
    if (content === '') return;
    const match = /^([^=\s]+)\s*=\s*(.*)$/.exec(content);
    if (match === null) {
      throw configError(
        /^\[.*\]$/.test(content)
          ? `${where}: sections such as ${content} are not supported: one file per network, in its data dir`
          : `${where}: expected key = value, got '${content}'`,
      );
    }
    const [, key = '', value = ''] = match;
    if (!isKey(key)) {
      throw configError(
        `${where}: unknown setting '${key}'${suggestion(key, (k) => k)}: fix or remove the line (altostream node --help lists the settings)`,
      );
    }
    const setting: Setting<unknown> = SETTINGS[key];
    if (setting.sources !== 'all') {
      throw configError(`${where}: ${key} is for the command line only: pass --${key}`);
    }
    if (inDataDir && (key === 'datadir' || key === 'network')) {
      throw configError(
        `${where}: ${key} cannot be set in the data dir's own ${CONFIG_FILE} (the data dir depends on it): pass --${key} or ${envName(key)}, or put it in a file given with --config`,
      );
    }
    const source: SettingSource = { kind: 'file', path, line };
    if (setting.kind === 'list') {
      const entry = lists.get(key) ?? { items: [], sources: [] };
      entry.items.push(value);
      entry.sources.push(source);
      lists.set(key, entry);
      return;
    }
    const earlier = layer.get(key)?.source;
    if (earlier?.kind === 'file') {
      throw configError(
        `${where}: ${key} is already set on line ${earlier.line}: keep one of the two (only ${REPEATABLE.join(', ')} repeat)`,
      );
    }
    layer.set(key, { raw: rawFromText(key, value, source), source });
  });
  for (const [key, { items, sources }] of lists) {
    layer.set(key, { raw: items, source: sources[0]!, itemSources: sources });
  }
  return layer;
}

function readConfigFile(
  path: string,
  explicit: SettingSource | undefined,
  inDataDir: boolean,
): Map<SettingKey, Layered> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No file: the defaults. ENOTDIR: the data dir is a file, which prepareDataDir names.
    if ((code === 'ENOENT' || code === 'ENOTDIR') && explicit === undefined) return undefined;
    const by = explicit === undefined ? path : `${labelOf('config', explicit)} ${path}`;
    if (code === 'ENOENT') throw configError(`${by}: no such file: pass an existing file, or leave it out`);
    throw configError(`${by}: cannot be read (${code ?? String(error)}): pass a readable file`);
  }
  return parseConfigText(text, path, inDataDir);
}

function flagLayer(inputs: LayerInputs): Map<SettingKey, Layered> {
  const layer = new Map<SettingKey, Layered>();
  for (const key of SETTING_KEYS) {
    const raw = inputs.flags[key] as RawValue | undefined;
    if (raw !== undefined) layer.set(key, { raw, source: { kind: 'flag' } });
  }
  return layer;
}

/**
 * Reads the layers and parses every setting. Network and datadir come first,
 * from the flags, the environment and a --config file, since the data dir's
 * own altostream.conf is found through them. Throws an InvalidArgumentError
 * naming the key by its source at the first bad value.
 */
export function resolveSettings(inputs: LayerInputs): ResolvedSettings {
  const flags = flagLayer(inputs);
  const env = readEnv(inputs);
  const configLayer = flags.get('config') ?? env.get('config');
  const explicitPath = configLayer === undefined ? undefined : (configLayer.raw as string);
  let file =
    explicitPath === undefined ? undefined : readConfigFile(explicitPath, configLayer?.source, false);
  const pick = (key: SettingKey): Layered | undefined => flags.get(key) ?? env.get(key) ?? file?.get(key);

  const networkLayer = pick('network');
  const network = named('network', networkLayer?.source ?? { kind: 'default' }, () =>
    parseNetworkFlag((networkLayer?.raw as string | undefined) ?? 'regtest'),
  );
  const ctx: SettingContext = { network };
  const datadirLayer = pick('datadir');
  const datadir = named('datadir', datadirLayer?.source ?? { kind: 'default' }, () =>
    SETTINGS.datadir.parse(datadirLayer?.raw ?? SETTINGS.datadir.default(ctx), ctx),
  );
  const configPath = explicitPath ?? join(datadir, CONFIG_FILE);
  if (explicitPath === undefined) file = readConfigFile(configPath, undefined, true);

  const chosen = new Map<SettingKey, Layered>();
  const values: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const setting: Setting<unknown> = SETTINGS[key];
    const layered = pick(key);
    const raw = layered?.raw ?? setting.default?.(ctx);
    const source = layered?.source ?? { kind: 'default' };
    if (layered !== undefined) chosen.set(key, layered);
    if (raw === undefined) {
      values[key] = undefined;
      continue;
    }
    if (setting.kind === 'list' && layered?.itemSources !== undefined) {
      // Each item is checked under its own line first.
      const sources = layered.itemSources;
      (raw as readonly string[]).forEach((item, i) => {
        named(key, sources[i] ?? source, () => setting.item?.(item, ctx));
      });
    }
    values[key] = named(key, source, () => setting.parse(raw, ctx));
  }
  const sourceOf = (key: SettingKey): SettingSource => chosen.get(key)?.source ?? { kind: 'default' };
  return {
    values: values as SettingValues,
    configFile: { path: configPath, found: file !== undefined },
    sourceOf,
    isSet: (key) => chosen.has(key),
    label: (key) => labelOf(key, sourceOf(key)),
    check: (key, fn) => named(key, sourceOf(key), fn),
    print: () => printSettings(chosen, ctx, configPath, file !== undefined),
  };
}

function describe(source: SettingSource, key: string, value?: string | boolean): string {
  switch (source.kind) {
    case 'default':
      return 'default';
    case 'flag':
      return value === false ? `flag --no-${key}` : `flag --${key}`;
    case 'env':
      return `env ${source.name}`;
    case 'file':
      return `${source.path}:${source.line}`;
  }
}

function printSettings(
  chosen: ReadonlyMap<SettingKey, Layered>,
  ctx: SettingContext,
  configPath: string,
  found: boolean,
): string[] {
  const lines = [
    '# altostream node --print-config: the settings in force, each with where it came from.',
    `# config file: ${configPath}${found ? '' : ' (not found)'}`,
    '# Defaults are commented out. So are network and datadir, which pick the data dir: its own',
    `# ${CONFIG_FILE} cannot set them (use flags, ALTO_NETWORK/ALTO_DATADIR or a --config file).`,
  ];
  for (const key of SETTING_KEYS) {
    const setting: Setting<unknown> = SETTINGS[key];
    if (setting.sources !== 'all') continue;
    const layered = chosen.get(key);
    const raw = layered?.raw ?? setting.default?.(ctx);
    // A default is shown commented out: pasted back, the file sets only what was set.
    const prefix = key === 'network' || key === 'datadir' || layered === undefined ? '# ' : '';
    if (raw === undefined) {
      lines.push(`# ${key} is unset: ${setting.unset ?? 'off'}`);
      continue;
    }
    const items = Array.isArray(raw) ? (raw as readonly string[]) : [raw as string | boolean];
    if (items.length === 0) {
      lines.push(`# ${key} is empty  # ${describe(layered?.source ?? { kind: 'default' }, key)}`);
      continue;
    }
    items.forEach((item, i) => {
      const source = layered?.itemSources?.[i] ?? layered?.source ?? { kind: 'default' };
      const text = typeof item === 'boolean' ? (item ? '1' : '0') : item;
      lines.push(`${prefix}${key} = ${text}  # ${describe(source, key, item)}`);
    });
  }
  return lines;
}
