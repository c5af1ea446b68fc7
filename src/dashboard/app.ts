// The dashboard page: polls GET /status for the headline, mempool and hash
// rate, reads the slower routes (supply, validators, charts, peers, Stratum
// workers) every SLOW_POLL_MS and after each key block, follows GET /events for
// blocks and activations, and runs the in-browser benchmark on request.
import {
  getJson,
  type Answer,
  type Charts,
  type Peers,
  type Status,
  type StratumWorkers,
  type Supply,
  type Validators,
} from './api.js';
import {
  BenchError,
  DEFAULT_BENCH_SECONDS,
  MAX_BENCH_SECONDS,
  MAX_BENCH_THREADS,
  MIN_BENCH_SECONDS,
  runBenchmark,
  type BenchResult,
} from './bench.js';
import { drawChart, type Sample } from './chart.js';
import { byId, el, setText } from './dom.js';
import { openFeed } from './feed.js';
import { formatHashRate, groupDigits, shortId } from './format.js';
import {
  TOP_SONGS,
  renderPeers,
  renderSongs,
  renderStatus,
  renderStratumWorkers,
  renderSupply,
  renderValidators,
} from './panels.js';

/** How often the headline, the mempool and the hash-rate chart refresh. */
export const STATUS_POLL_MS = 2_000;
/** How often supply, validators, charts, peers and workers refresh between key blocks. */
export const SLOW_POLL_MS = 15_000;
/** Key blocks (with their microblocks) the feed replays when the page opens. */
export const RECENT_KEY_BLOCKS = 10;
/** The hash-rate chart's window. */
export const CHART_WINDOW_MS = 10 * 60_000;

/** What GET /stratum/workers answers with Stratum off (api/routes/stratum.ts). */
const STRATUM_OFF: Answer<StratumWorkers> = {
  ok: false,
  status: 404,
  code: 'stratum-off',
  message: 'the Stratum server is off: start the node with --stratum',
};

const minerSamples: Sample[] = [];
const stratumSamples: Sample[] = [];
let lastStatus: Status | undefined;
let bench: BenchResult | undefined;

function keep(samples: Sample[], sample: Sample): void {
  samples.push(sample);
  while (samples.length > 0 && samples[0]!.atMs < sample.atMs - CHART_WINDOW_MS) samples.shift();
}

function redrawChart(): void {
  const now = Date.now();
  const series = [
    { className: 'miner', label: 'built-in miner', samples: minerSamples },
    { className: 'stratum', label: 'Stratum workers', samples: stratumSamples },
  ];
  if (bench !== undefined) {
    const value = bench.total;
    series.push({
      className: 'bench',
      label: 'this browser',
      samples: [
        { atMs: now - CHART_WINDOW_MS, value },
        { atMs: now, value },
      ],
    });
  }
  const svg = document.querySelector<SVGSVGElement>('svg#hashrate-chart');
  if (svg !== null) drawChart(svg, series, now, CHART_WINDOW_MS, formatHashRate);
}

async function pollStatus(): Promise<void> {
  const answer = await getJson<Status>('/status');
  if (!answer.ok) {
    setText('sync', answer.message);
    return;
  }
  const status = answer.body;
  lastStatus = status;
  renderStatus(status);
  const now = Date.now();
  keep(minerSamples, { atMs: now, value: status.mining ? status.hashRate : 0 });
  if (status.stratum !== null) keep(stratumSamples, { atMs: now, value: status.stratum.hashRate });
  redrawChart();
  if (bench !== undefined) setText('bench-node', nodeRate(status));
}

async function pollSlow(): Promise<void> {
  const [supply, validators, charts, peers, workers] = await Promise.all([
    getJson<Supply>('/supply'),
    getJson<Validators>('/validators'),
    getJson<Charts>(`/charts?limit=${TOP_SONGS}`),
    getJson<Peers>('/peers'),
    // Asked only when /status says Stratum is on: a 404 would show as an error in the browser's console.
    lastStatus?.stratum === null ? Promise.resolve(STRATUM_OFF) : getJson<StratumWorkers>('/stratum/workers'),
  ]);
  renderSupply(supply);
  renderValidators(validators);
  renderSongs(charts);
  renderPeers(peers, lastStatus);
  renderStratumWorkers(workers, Date.now());
}

/** Runs `poll` now and every `ms`, never two at once. */
function every(ms: number, poll: () => Promise<void>): () => void {
  let running = false;
  const run = (): void => {
    if (running) return;
    running = true;
    poll()
      .catch((error: unknown) => {
        console.error('dashboard poll failed', error);
      })
      .finally(() => {
        running = false;
      });
  };
  run();
  setInterval(run, ms);
  return run;
}

const BUILD_NAMES = {
  simd: 'SIMD build, as the node mines',
  scalar: 'scalar build: this browser has no WebAssembly SIMD',
} as const;

function nodeRate(status: Status): string {
  if (!status.mining) return 'not mining';
  return formatHashRate(status.hashRate);
}

function setupBench(): void {
  const threads = byId('bench-threads', HTMLSelectElement);
  const seconds = byId('bench-seconds', HTMLInputElement);
  const button = byId('bench-start', HTMLButtonElement);
  const status = byId('bench-status');
  const progress = byId('bench-progress', HTMLProgressElement);
  const benchTable = byId('bench-table', HTMLTableElement);
  const failures = byId('bench-failures', HTMLUListElement);
  const cores = Math.min(MAX_BENCH_THREADS, Math.max(1, navigator.hardwareConcurrency || 1));
  for (let n = 1; n <= cores; n++) threads.append(el('option', { value: String(n), text: String(n) }));
  threads.value = String(cores);
  seconds.min = String(MIN_BENCH_SECONDS);
  seconds.max = String(MAX_BENCH_SECONDS);
  seconds.value = String(DEFAULT_BENCH_SECONDS);

  const say = (text: string, state: '' | 'passed' | 'failed'): void => {
    status.textContent = text;
    status.className = `status ${state}`;
  };
  const showRates = (perThread: readonly number[]): void => {
    benchTable.tBodies[0]!.replaceChildren(
      ...perThread.map((rate, i) =>
        el(
          'tr',
          {},
          el('td', { text: `Thread ${i + 1}` }),
          el('td', { class: 'num', text: formatHashRate(rate) }),
        ),
      ),
    );
    setText('bench-total', formatHashRate(perThread.reduce((a, b) => a + b, 0)));
    setText('bench-node', lastStatus === undefined ? '…' : nodeRate(lastStatus));
    benchTable.hidden = false;
  };

  byId('bench-form', HTMLFormElement).addEventListener('submit', (event) => {
    event.preventDefault();
    const n = Number(threads.value);
    const s = Number(seconds.value);
    if (!Number.isInteger(s) || s < MIN_BENCH_SECONDS || s > MAX_BENCH_SECONDS) {
      say(`Seconds must be a whole number from ${MIN_BENCH_SECONDS} to ${MAX_BENCH_SECONDS}.`, 'failed');
      return;
    }
    button.disabled = true;
    failures.hidden = true;
    failures.replaceChildren();
    progress.hidden = false;
    progress.value = 0;
    const base = new URL('.', import.meta.url);
    runBenchmark(
      {
        threads: n,
        durationMs: s * 1000,
        workerUrl: new URL('bench-worker.js', base),
        wasmUrls: {
          simd: new URL('altostream.wasm', base),
          scalar: new URL('altostream-scalar.wasm', base),
        },
      },
      (p) => {
        if (p.phase === 'self-test') {
          say(`Self-testing yespower on ${n} thread${n === 1 ? '' : 's'}…`, '');
          return;
        }
        progress.value = p.fraction;
        say(`Self-test passed. Hashing… ${formatHashRate(p.perThread.reduce((a, b) => a + b, 0))}`, 'passed');
        showRates(p.perThread);
      },
    )
      .then((result) => {
        bench = result;
        showRates(result.perThread);
        say(
          `Self-test passed (${result.vectors} of ${result.vectors} yespower vectors). ${formatHashRate(result.total)} on ${n} thread${n === 1 ? '' : 's'} (${groupDigits(String(result.hashes))} hashes in ${s} s, ${BUILD_NAMES[result.build]}).`,
          'passed',
        );
        setText('bench-rate', formatHashRate(result.total));
        byId('bench-card').dataset.result = JSON.stringify({
          selfTest: 'passed',
          build: result.build,
          vectors: result.vectors,
          total: result.total,
          perThread: result.perThread,
        });
        redrawChart();
      })
      .catch((error: unknown) => {
        const e = error instanceof BenchError ? error : new BenchError('bench-failed', String(error));
        const hint =
          e.code === 'wasm-load-failed'
            ? ' This browser may lack CSP wasm-unsafe-eval for WebAssembly (Chrome 97, Firefox 102, Safari 16 or later).'
            : '';
        say(
          `${e.code === 'self-test-failed' ? 'Self-test FAILED' : 'Benchmark failed'}: ${e.message}.${hint}`,
          'failed',
        );
        failures.replaceChildren(...e.details.map((d) => el('li', { text: d })));
        failures.hidden = e.details.length === 0;
        byId('bench-card').dataset.result = JSON.stringify({ selfTest: e.code, message: e.message });
      })
      .finally(() => {
        button.disabled = false;
        progress.hidden = true;
      });
  });
}

async function start(): Promise<void> {
  setupBench();
  await pollStatus(); // first: the slow panels skip what it says is off
  every(STATUS_POLL_MS, pollStatus);
  const refreshSlow = every(SLOW_POLL_MS, pollSlow);
  // The feed opens on the last few key blocks, so it is not empty until the next one.
  const from = lastStatus === undefined ? undefined : Math.max(0, lastStatus.height - RECENT_KEY_BLOCKS + 1);
  openFeed(from, {
    onTip: (block) => {
      setText('height', groupDigits(String(block.keyHeight)));
      const tip = byId('tip', HTMLAnchorElement);
      tip.textContent = shortId(block.id);
      tip.title = block.id;
      tip.href = `/blocks/${block.id}`;
    },
    onKeyBlock: refreshSlow,
  });
}

void start();
