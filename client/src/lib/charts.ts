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
  waiting: '#5fb4ff',
  waitingFill: 'rgba(95, 180, 255, 0.22)',
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

/** Draws each bar's value above it (bar charts read from across a room need no axis to count). */
export const barValueLabels: Plugin<'bar'> = {
  id: 'barValueLabels',
  afterDatasetsDraw(chart) {
    const opts = (chart.options.plugins as Record<string, unknown> | undefined)?.barValueLabels as
      | { size: number; color: string }
      | undefined;
    if (!opts) return;
    const { ctx } = chart;
    ctx.save();
    ctx.font = `700 ${opts.size}px ${FONT_FAMILY}`;
    ctx.fillStyle = opts.color;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    chart.data.datasets.forEach((ds, di) => {
      const meta = chart.getDatasetMeta(di);
      meta.data.forEach((bar, i) => {
        const v = ds.data[i];
        if (typeof v !== 'number') return;
        const { x, y } = bar.getProps(['x', 'y'], true) as { x: number; y: number };
        ctx.fillText(String(v), x, y - opts.size * 0.15);
      });
    });
    ctx.restore();
  },
};
