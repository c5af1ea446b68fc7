// A strict reader of the Prometheus text exposition format 0.0.4: it throws on
// any line the format does not allow, so a test that parses a scrape also checks
// that Prometheus could ingest it. Checked beyond the grammar: TYPE before the
// family's samples and at most once, sample names that belong to their family,
// no series twice, and histograms whose buckets are cumulative and end in +Inf
// equal to _count.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  type: MetricType;
  help: string | null;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: readonly string[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
const SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export class ExpositionError extends Error {
  constructor(line: number, text: string, why: string) {
    super(`line ${line}: ${why}: ${JSON.stringify(text)}`);
  }
}

function parseValue(text: string): number | undefined {
  // As Prometheus reads them (Go's ParseFloat: any case); prom-client writes NaN as `Nan`.
  if (/^\+?inf(inity)?$/i.test(text)) return Infinity;
  if (/^-inf(inity)?$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** Reads `{a="1",b="x\"y"}` starting at `text[at] === '{'`; returns the labels and the index after '}'. */
function parseLabels(
  text: string,
  at: number,
  fail: (why: string) => never,
): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = at + 1;
  while (text[i] !== '}') {
    const eq = text.indexOf('=', i);
    if (eq < 0) fail('a label without =');
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) fail(`bad label name ${name}`);
    if (name in labels) fail(`label ${name} twice`);
    if (text[eq + 1] !== '"') fail('a label value must be quoted');
    let value = '';
    let j = eq + 2;
    for (;;) {
      const c = text[j];
      if (c === undefined) fail('an unterminated label value');
      if (c === '"') break;
      if (c === '\\') {
        const next = text[j + 1];
        if (next === '\\') value += '\\';
        else if (next === '"') value += '"';
        else if (next === 'n') value += '\n';
        else fail('a bad escape in a label value');
        j += 2;
      } else {
        value += c;
        j += 1;
      }
    }
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i += 1;
    else if (text[i] !== '}') fail('labels must be separated by commas');
  }
  return [labels, i + 1];
}

function familyOf(families: Map<string, Family>, sampleName: string): Family | undefined {
  for (const [name, family] of families) {
    for (const suffix of SUFFIXES[family.type]) {
      if (sampleName === name + suffix) return family;
    }
  }
  return undefined;
}

function checkHistogram(family: Family): void {
  const series = new Map<string, Sample[]>();
  const key = (labels: Readonly<Record<string, string>>): string =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([k]) => k !== 'le')
        .sort(),
    );
  for (const s of family.samples.filter((x) => x.name === `${family.name}_bucket`)) {
    if (s.labels.le === undefined) throw new Error(`${family.name}: a bucket without le`);
    series.set(key(s.labels), [...(series.get(key(s.labels)) ?? []), s]);
  }
  for (const [labels, buckets] of series) {
    const les = buckets.map((b) => parseValue(b.labels.le!));
    if (les.at(-1) !== Infinity) throw new Error(`${family.name}${labels}: the last bucket is not +Inf`);
    for (let i = 1; i < buckets.length; i++) {
      if (!(les[i]! > les[i - 1]!) || buckets[i]!.value < buckets[i - 1]!.value) {
        throw new Error(`${family.name}${labels}: buckets are not cumulative in ascending le`);
      }
    }
    const count = family.samples.find((s) => s.name === `${family.name}_count` && key(s.labels) === labels);
    if (count?.value !== buckets.at(-1)!.value) {
      throw new Error(`${family.name}${labels}: _count differs from the +Inf bucket`);
    }
  }
}

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition does not end in a newline');
  const lines = text.split('\n').slice(0, -1);
  lines.forEach((line, index) => {
    const fail = (why: string): never => {
      throw new ExpositionError(index + 1, line, why);
    };
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (m === null) return; // another comment: allowed
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) fail('bad metric name');
      const family = families.get(name) ?? { name, type: 'untyped', help: null, samples: [] };
      if (kind === 'HELP') {
        if (family.help !== null) fail('HELP twice');
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) fail('a bad escape in HELP');
        family.help = rest;
      } else {
        if (!TYPES.includes(rest)) fail('unknown TYPE');
        if (family.samples.length > 0) fail('TYPE after the family’s samples');
        if (seen.has(`type:${name}`)) fail('TYPE twice');
        seen.add(`type:${name}`);
        family.type = rest as MetricType;
      }
      families.set(name, family);
      return;
    }
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) fail('a sample without a value');
    const name = line.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) fail('bad metric name');
    let labels: Record<string, string> = {};
    let rest = line.slice(nameEnd);
    if (rest.startsWith('{')) {
      const [parsed, after] = parseLabels(line, nameEnd, fail);
      labels = parsed;
      rest = line.slice(after);
    }
    const fields = rest.split(' ');
    if (fields[0] !== '' || fields.length < 2 || fields.length > 3) fail('expected " value [timestamp]"');
    const value = parseValue(fields[1]!);
    if (value === undefined) fail('bad value');
    if (fields[2] !== undefined && !/^-?\d+$/.test(fields[2])) fail('bad timestamp');
    const family = familyOf(families, name) ?? fail('a sample with no TYPE before it');
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(series)) fail('the same series twice');
    seen.add(series);
    family.samples.push({ name, labels, value: value! });
  });
  for (const family of families.values()) {
    if (family.type === 'histogram') checkHistogram(family);
  }
  return families;
}

/** The value of the one sample `name` with `labels` (a subset match); throws when there is none. */
export function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  for (const family of families.values()) {
    const sample = family.samples.find(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
    if (sample !== undefined) return sample.value;
  }
  throw new Error(`no sample ${name}${JSON.stringify(labels)}`);
}
