// docs/metrics.md and docs/grafana-dashboard.json against the registry of a
// running node: every series documented with its type, nothing documented that
// is not served, and every metric a dashboard panel queries served.
import { readFileSync } from 'node:fs';
import { test } from 'tap';
import { startTestNode } from '../helpers/node.js';
import { parsePrometheusText, type Family } from '../helpers/prometheus-text.js';
import type { TestOwner } from '../helpers/test-owner.js';

const DOC = new URL('../../docs/metrics.md', import.meta.url);
const DASHBOARD = new URL('../../docs/grafana-dashboard.json', import.meta.url);
const METRIC_NAME = /\b(?:altostream|nodejs|process)_[a-z0-9_]+\b/g;

async function servedFamilies(t: TestOwner): Promise<Map<string, Family>> {
  const { node } = await startTestNode(
    (fn) => {
      t.teardown(fn);
    },
    { metrics: { host: '127.0.0.1', port: 0 } },
  );
  const { host, port } = node.metricsAddress()!;
  return parsePrometheusText(await (await fetch(`http://${host}:${port}/metrics`)).text());
}

interface Panel {
  readonly title: string;
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly targets?: readonly { readonly expr: string }[];
}

test('metrics-docs: docs/metrics.md lists every altostream_ series with its type, and no other', async (t) => {
  const families = await servedFamilies(t);
  const documented = new Map(
    [...readFileSync(DOC, 'utf8').matchAll(/^\| `(altostream_[a-z0-9_]+)` *\| (\w+) /gm)].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  );
  const served = [...families.values()].filter((f) => f.name.startsWith('altostream_'));
  t.equal(documented.size, served.length, 'as many documented as served');
  for (const family of served) {
    t.equal(documented.get(family.name), family.type, `${family.name} is documented as a ${family.type}`);
  }
  for (const name of documented.keys()) t.ok(families.has(name), `${name} is served`);
});

test('metrics-dashboard: the Grafana dashboard parses, picks a Prometheus data source, and queries only served metrics', async (t) => {
  const families = await servedFamilies(t);
  const isServed = (name: string): boolean => {
    const histogram = /^(.+)_(bucket|sum|count)$/.exec(name)?.[1];
    return families.has(name) || (histogram !== undefined && families.get(histogram)?.type === 'histogram');
  };
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    readonly templating: { readonly list: readonly { name: string; type: string; query: unknown }[] };
    readonly panels: readonly Panel[];
  };
  t.match(
    dashboard.templating.list.find((v) => v.name === 'datasource'),
    { type: 'datasource', query: 'prometheus' },
  );
  const wanted = [
    'altostream_chain_tip_key_height',
    'altostream_chain_key_blocks_connected_total',
    'altostream_chain_reorg_depth_blocks_bucket',
    'altostream_mempool_transactions',
    'altostream_mempool_min_fee_per_byte',
    'altostream_peers',
    'altostream_gossip_messages_total',
    'altostream_miner_hashes_per_second',
    'altostream_stratum_hashes_per_second',
    'altostream_api_request_duration_seconds_bucket',
    'nodejs_eventloop_lag_p99_seconds',
    'altostream_lmdb_data_bytes',
  ];
  const queried = new Set<string>();
  for (const panel of dashboard.panels) {
    t.same(panel.datasource, { type: 'prometheus', uid: '${datasource}' }, `${panel.title}: the variable`);
    t.ok((panel.targets ?? []).length > 0, `${panel.title} has queries`);
    for (const target of panel.targets ?? []) {
      for (const [name] of target.expr.matchAll(METRIC_NAME)) {
        queried.add(name);
        t.ok(isServed(name), `${panel.title}: ${name} is served`);
      }
    }
  }
  for (const variable of dashboard.templating.list) {
    for (const [name] of JSON.stringify(variable.query).matchAll(METRIC_NAME)) {
      t.ok(isServed(name), `variable ${variable.name}: ${name} is served`);
    }
  }
  for (const name of wanted) t.ok(queried.has(name), `a panel shows ${name}`);
});
