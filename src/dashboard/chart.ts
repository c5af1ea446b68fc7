// The hash-rate chart: a few lines of SVG over a sliding window, drawn by hand
// (no chart library). chartPaths is pure (tested under Node); drawChart puts
// its result into an <svg> with classes only, so the page's CSP needs no inline style.

export interface Sample {
  /** Unix milliseconds. */
  readonly atMs: number;
  readonly value: number;
}

export interface Series {
  /** A CSS class for the line's colour (style.css). */
  readonly className: string;
  readonly label: string;
  readonly samples: readonly Sample[];
}

export interface ChartBox {
  readonly width: number;
  readonly height: number;
  /** Room for the axis labels left of the plot, above and below it, and for the newest dot right of it. */
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export const CHART_BOX: ChartBox = { width: 960, height: 230, left: 80, right: 6, top: 10, bottom: 22 };

/** The smallest 1, 2 or 5 × 10^k at or above `value`: a round top for the axis. */
export function niceCeiling(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

/**
 * An SVG path per series over [nowMs − windowMs, nowMs], scaled to `box`, and the axis top.
 * Samples older than the window are left out; a series with no sample in it has an empty path.
 */
export function chartPaths(
  series: readonly Series[],
  nowMs: number,
  windowMs: number,
  box: ChartBox = CHART_BOX,
): { paths: string[]; last: ({ x: number; y: number } | null)[]; top: number } {
  const from = nowMs - windowMs;
  const visible = series.map((s) => s.samples.filter((p) => p.atMs >= from && p.atMs <= nowMs));
  const top = niceCeiling(Math.max(0, ...visible.flat().map((p) => p.value)));
  const plotWidth = box.width - box.left - box.right;
  const plotHeight = box.height - box.top - box.bottom;
  const x = (atMs: number): number => box.left + ((atMs - from) / windowMs) * plotWidth;
  const y = (value: number): number => box.top + plotHeight - (Math.max(0, value) / top) * plotHeight;
  // The newest point of each series gets a dot: a series of one sample draws no line.
  const last = visible.map((points) => {
    const p = points.at(-1);
    return p === undefined ? null : { x: x(p.atMs), y: y(p.value) };
  });
  const paths = visible.map((points) =>
    points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.atMs).toFixed(1)},${y(p.value).toFixed(1)}`).join(' '),
  );
  return { paths, last, top };
}

const SVG = 'http://www.w3.org/2000/svg';

function svgElement(name: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Redraws `svg` with the series, the axis top labelled by `formatValue`, and the window's span. */
export function drawChart(
  svg: SVGSVGElement,
  series: readonly Series[],
  nowMs: number,
  windowMs: number,
  formatValue: (value: number) => string,
  box: ChartBox = CHART_BOX,
): void {
  const { paths, last, top } = chartPaths(series, nowMs, windowMs, box);
  const plotHeight = box.height - box.top - box.bottom;
  svg.setAttribute('viewBox', `0 0 ${box.width} ${box.height}`);
  svg.replaceChildren();
  for (const fraction of [0, 0.5, 1]) {
    const y = box.top + plotHeight - fraction * plotHeight;
    svg.append(svgElement('line', { x1: box.left, x2: box.width - box.right, y1: y, y2: y, class: 'grid' }));
    svg.append(
      svgElement(
        'text',
        { x: box.left - 6, y: y + 4, class: 'axis', 'text-anchor': 'end' },
        formatValue(top * fraction),
      ),
    );
  }
  const minutes = Math.round(windowMs / 60_000);
  svg.append(svgElement('text', { x: box.left, y: box.height - 4, class: 'axis' }, `−${minutes} min`));
  svg.append(
    svgElement(
      'text',
      { x: box.width - box.right, y: box.height - 4, class: 'axis', 'text-anchor': 'end' },
      'now',
    ),
  );
  paths.forEach((d, i) => {
    if (d !== '') svg.append(svgElement('path', { d, class: `line ${series[i]!.className}` }));
  });
  last.forEach((p, i) => {
    if (p !== null)
      svg.append(svgElement('circle', { cx: p.x, cy: p.y, r: 3, class: `dot ${series[i]!.className}` }));
  });
}
