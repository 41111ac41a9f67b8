/**
 * Chart.js, registered once with only the parts the screens use (tree-shaken), and the small
 * helpers the chart components share. Following Chart.js's advice for live data: one chart per
 * canvas, created once and updated in place with `update('none')`, `animation: false`, and plain
 * arrays (never Svelte proxies) as data.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  type ChartConfiguration,
  type ChartData,
  type ChartType,
  type Plugin,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Filler);

export { Chart };
export { niceMax } from './charts-scale';

export const FONT_FAMILY = "'Noto Sans SC', 'Noto Sans CJK SC', sans-serif";

export const CHART_COLORS = {
  offered: '#5d7fb8',
  answered: '#2fd27a',
  sl: '#ffffff',
  target: '#ffbf2e',
  grid: '#26324a',
  text: '#c9d2e0',
  count: '#a9c1ec',
  category: '#8f7cf0',
  /** dissatisfied follow-ups (by category, by unit) and the satisfaction line */
  dissatisfied: '#f2777a',
  /** a bar for the rest taken together */
  others: '#56647d',
  satisfaction: '#c9a7ff',
  waiting: '#5fb4ff',
  waitingFill: 'rgba(95, 180, 255, 0.22)',
  // staffing: agents required, rostered and signed in (lines), calls forecast (bars), now
  required: '#ffbf2e',
  rostered: '#c9a7ff',
  signedIn: '#2fd27a',
  forecast: '#34507f',
  nowFill: 'rgba(95, 180, 255, 0.1)',
  nowStroke: '#5fb4ff',
};

/**
 * The axes a bars-and-rates chart uses: counts on the left from zero (whole numbers), and a 0–100 %
 * axis on the right without its own grid.
 */
export function countAxis(color: string, grid: string) {
  return { position: 'left', beginAtZero: true, grid: { color: grid }, border: { display: false }, ticks: { color, precision: 0 } } as const;
}
export function percentAxis(color: string, stepSize: number) {
  return {
    position: 'right',
    min: 0,
    max: 100,
    grid: { display: false },
    border: { display: false },
    ticks: { color, stepSize, callback: (v: number | string) => `${v}%` },
  } as const;
}

/** How a live chart starts: its type, fixed axes and plugins; `data` too when parts of it never change. */
export interface LiveChartSetup<T extends ChartType = ChartType> {
  type: T;
  /** default: empty (each update puts the data in) */
  data?: ChartData<T>;
  scales: NonNullable<NonNullable<ChartConfiguration<T>['options']>['scales']>;
  plugins?: Plugin<T>[];
  /**
   * A fixed size in CSS px, drawn at `pixelRatio` device pixels per px, instead of following the
   * box: a chart that is only printed (its box is not laid out on screen, and print layout does not
   * resize charts).
   */
  fixedSize?: { width: number; height: number; pixelRatio: number };
  /** 'y': horizontal bars (the categories down the side) */
  indexAxis?: 'x' | 'y';
}

/**
 * A chart on `canvas` for live data, read from across a room and never touched: no animation, no
 * legend or tooltips (the panel's header says what is what), no pointer events, sized by its box.
 */
export function createLiveChart<T extends ChartType>(canvas: HTMLCanvasElement, setup: LiveChartSetup<T>): Chart<T> {
  const fixed = setup.fixedSize;
  if (fixed) {
    canvas.width = fixed.width;
    canvas.height = fixed.height;
  }
  const config = {
    type: setup.type,
    data: setup.data ?? { labels: [], datasets: [] },
    plugins: setup.plugins,
    options: {
      animation: false,
      responsive: !fixed,
      maintainAspectRatio: false,
      ...(fixed ? { devicePixelRatio: fixed.pixelRatio } : {}),
      ...(setup.indexAxis ? { indexAxis: setup.indexAxis } : {}),
      events: [],
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
      scales: setup.scales,
    },
  };
  return new Chart(canvas, config as ChartConfiguration<T>);
}

/**
 * Redraws a chart once the web font's glyphs for `text` are loaded: canvas text does not wait for
 * fonts, and the self-hosted CJK font loads by unicode range only when first needed.
 */
export function redrawWhenFontReady<T extends ChartType>(chart: Chart<T>, sizePx: number, text: string): void {
  const fonts = (globalThis.document as Document | undefined)?.fonts;
  if (!fonts?.load) return;
  fonts
    .load(`700 ${Math.round(sizePx)}px "Noto Sans SC"`, text)
    .then(() => fonts.load(`400 ${Math.round(sizePx)}px "Noto Sans SC"`, text))
    .then(() => {
      if ((chart as unknown as { canvas: HTMLCanvasElement | null }).canvas) chart.update('none');
    })
    .catch(() => undefined);
}

/**
 * Draws each bar's value above it (bar charts read from across a room need no axis to count); on
 * horizontal bars (`indexAxis: 'y'`), after its end.
 */
export const barValueLabels: Plugin<'bar'> = {
  id: 'barValueLabels',
  afterDatasetsDraw(chart) {
    const opts = (chart.options.plugins as Record<string, unknown> | undefined)?.barValueLabels as
      | { size: number; color: string }
      | undefined;
    if (!opts) return;
    const horizontal = chart.options.indexAxis === 'y';
    const { ctx } = chart;
    ctx.save();
    ctx.font = `700 ${opts.size}px ${FONT_FAMILY}`;
    ctx.fillStyle = opts.color;
    ctx.textAlign = horizontal ? 'left' : 'center';
    ctx.textBaseline = horizontal ? 'middle' : 'bottom';
    chart.data.datasets.forEach((ds, di) => {
      const meta = chart.getDatasetMeta(di);
      meta.data.forEach((bar, i) => {
        const v = ds.data[i];
        if (typeof v !== 'number') return;
        const { x, y } = bar.getProps(['x', 'y'], true) as { x: number; y: number };
        if (horizontal) ctx.fillText(String(v), x + opts.size * 0.3, y);
        else ctx.fillText(String(v), x, y - opts.size * 0.15);
      });
    });
    ctx.restore();
  },
};

/**
 * Shades one category of the x axis behind the data, with dashed edges and a word over it: the
 * interval we are in now. Options under `plugins.currentBand`: `{ index, fill, stroke, label, size }`
 * (index -1: none).
 */
export const currentBand: Plugin<'bar'> = {
  id: 'currentBand',
  beforeDatasetsDraw(chart) {
    const opts = (chart.options.plugins as Record<string, unknown> | undefined)?.currentBand as
      | { index: number; fill: string; stroke: string; label: string; size: number }
      | undefined;
    const x = chart.scales.x;
    const n = chart.data.labels?.length ?? 0;
    if (!opts || !x || opts.index < 0 || opts.index >= n) return;
    const step = n > 1 ? Math.abs(x.getPixelForValue(1) - x.getPixelForValue(0)) : chart.chartArea.width;
    const mid = x.getPixelForValue(opts.index);
    const { top, bottom } = chart.chartArea;
    const { ctx } = chart;
    ctx.save();
    ctx.fillStyle = opts.fill;
    ctx.fillRect(mid - step / 2, top, step, bottom - top);
    // its two edges dashed: a band, not one more bar
    ctx.strokeStyle = opts.stroke;
    ctx.lineWidth = Math.max(1, opts.size * 0.1);
    ctx.setLineDash([opts.size * 0.3, opts.size * 0.25]);
    ctx.beginPath();
    for (const x of [mid - step / 2, mid + step / 2]) {
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
    }
    ctx.stroke();
    ctx.setLineDash([]);
    if (opts.label) {
      ctx.font = `700 ${opts.size}px ${FONT_FAMILY}`;
      ctx.fillStyle = opts.stroke;
      ctx.textAlign = mid > chart.chartArea.right - opts.size * 3 ? 'right' : mid < chart.chartArea.left + opts.size * 3 ? 'left' : 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillText(opts.label, mid, top - opts.size * 0.1);
    }
    ctx.restore();
  },
};
