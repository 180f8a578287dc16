/**
 * The deep dive's chart of one customer's revenue: bars per period, the usual level (baseline), the
 * recent window shaded, the least-squares trend over the lookback, and the seasonal expectation
 * where there is one. Three steps, all pure:
 *   1. `chartInputOf` takes the figures from the analysis (the same numbers the deep dive states);
 *   2. `layoutChart` turns them into a plain model: bars, lines and the shaded window in pixels,
 *      each keeping the value it shows (what the tests check: data, not pixels);
 *   3. `renderChartSvg` writes the model as SVG. Turning the SVG into a PNG is native code
 *      (resvg), done outside render (src/rasterize-svg.ts).
 */
import { analysisWindows } from '../core/metrics.ts';
import { formatMoney } from '../core/money.ts';
import { formatPeriod } from '../core/periods.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import type { AnalysisResult, CustomerAnalysis, PeriodSpec } from '../core/types.ts';
import { trendText } from './_customer-facts.ts';
import { BIDI_CONTROLS, customerLabel, periodNoun, perPeriod, plural } from './format.ts';

/** What the chart shows, in cents and period indices (0 = the first bar). */
export interface ChartInput {
  /** The customer, as shown in the title (user data: escaped when drawn). */
  title: string;
  /** Period label per bar ("2026-11-23", "2026-11"). */
  labels: string[];
  /** Net revenue per period, cents (may be negative: refunds). */
  values: number[];
  /** The usual level (baseline mean), drawn across the lookback; null when not known. */
  baselineCents: number | null;
  /** The recent window the "recent" figure averages (shaded), bar indices inclusive. */
  window: { from: number; to: number; recentCents: number } | null;
  /** The lookback window the trend is fitted over, bar indices inclusive. */
  lookback: { from: number; to: number } | null;
  /** Least-squares slope over the lookback, cents per period (core's `trendCentsPerPeriod`). */
  trendCentsPerPeriod: number | null;
  /** Seasonal expectation over the recent window (core's `seasonal.expectedCents`). */
  seasonalCents: number | null;
  currency: string;
  spec: PeriodSpec;
  /** Plain-words alt text: the numbers the picture shows. */
  altText: string;
}

export interface ChartBar {
  index: number;
  label: string;
  cents: number;
  inWindow: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChartLine {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface ChartModel {
  width: number;
  height: number;
  title: string;
  plot: { x: number; y: number; width: number; height: number };
  /** The value axis: bottom and top in cents, and the gridline ticks. */
  yMin: number;
  yMax: number;
  ticks: { cents: number; y: number; label: string }[];
  bars: ChartBar[];
  xLabels: { x: number; label: string }[];
  baseline: (ChartLine & { cents: number; label: string }) | null;
  /** The shaded recent window: bar indices and the pixels it covers. */
  window: { from: number; to: number; x0: number; x1: number; recentCents: number } | null;
  /** The trend line's end points, in bar indices and cents as well as pixels. */
  trend: (ChartLine & { from: number; to: number; fromCents: number; toCents: number }) | null;
  seasonal: (ChartLine & { cents: number }) | null;
  legend: { label: string; kind: 'bar' | 'window' | 'baseline' | 'trend' | 'seasonal' }[];
  altText: string;
}

/** Longest alt text Slack takes for an image (2000); ours stays well under it. */
const ALT_MAX = 1900;

/**
 * The chart's figures for one customer, from the analysis: the series (at most its last 52
 * periods), the baseline, the recent and lookback windows the metrics were computed over (core's
 * `analysisWindows`, with the customer's cadence), the trend slope and the seasonal expectation.
 */
export function chartInputOf(
  customer: CustomerAnalysis,
  result: Pick<AnalysisResult, 'period'>,
  settings: AnalysisSettings,
): ChartInput {
  const spec = result.period;
  const values = [...customer.series];
  const labels = values.map((_, i) => formatPeriod(customer.seriesStartPeriod + i, spec));
  const m = customer.metrics;
  const n = values.length;
  let window: ChartInput['window'] = null;
  let lookback: ChartInput['lookback'] = null;
  if (m && n > 0) {
    const w = analysisWindows(m.history, customer.cadence ?? 1, settings);
    // The series ends at the as-of period, as do both windows.
    window = { from: Math.max(0, n - w.recentPeriods), to: n - 1, recentCents: m.recentCents };
    lookback = { from: Math.max(0, n - w.lookbackPeriods), to: n - 1 };
  }
  const title = customerLabel(customer.name, customer.customerId);
  const input: Omit<ChartInput, 'altText'> = {
    title,
    labels,
    values,
    baselineCents: m ? m.baselineCents : null,
    window,
    lookback,
    trendCentsPerPeriod: m && Number.isFinite(m.trendCentsPerPeriod) ? m.trendCentsPerPeriod : null,
    seasonalCents: customer.seasonal?.expectedCents ?? null,
    currency: settings.currency,
    spec,
  };
  return { ...input, altText: chartAltText(input, customer) };
}

/** "Revenue by week of Acme (C1), 2026-09-07 to 2026-11-23 (12 weeks): usual $500.00/wk; ..." */
function chartAltText(input: Omit<ChartInput, 'altText'>, customer: CustomerAnalysis): string {
  const { spec, values, labels } = input;
  const money = (c: number) => formatMoney(c, input.currency);
  const per = perPeriod(spec);
  const name = input.title.replace(BIDI_CONTROLS, '').slice(0, 120);
  if (values.length === 0) return `Revenue of ${name}: no ${periodNoun(spec, 2)} with revenue to show.`;
  const parts = [
    `Revenue by ${periodNoun(spec)} of ${name}, ${labels[0]} to ${labels[labels.length - 1]} ` +
      `(${plural(values.length, periodNoun(spec))}), one bar each`,
  ];
  if (input.baselineCents !== null) parts.push(`usual level (baseline) ${money(input.baselineCents)}${per}`);
  if (input.window) {
    const w = input.window;
    const count = w.to - w.from + 1;
    const share =
      input.baselineCents !== null && input.baselineCents > 0
        ? ` (${Math.round((w.recentCents / input.baselineCents) * 100)}% of usual)`
        : '';
    parts.push(
      `last ${plural(count, periodNoun(spec))} shaded, averaging ${money(w.recentCents)}${per}${share}`,
    );
  }
  if (customer.metrics && input.trendCentsPerPeriod !== null) {
    parts.push(`trend ${trendText(customer.metrics, spec, money)}`);
  }
  if (input.seasonalCents !== null) {
    parts.push(`seasonal expectation ${money(input.seasonalCents)}${per}`);
  }
  parts.push(`latest ${periodNoun(spec)} ${money(values[values.length - 1]!)}`);
  const text = `${parts.join('; ')}.`;
  return text.length <= ALT_MAX ? text : `${text.slice(0, ALT_MAX - 1)}…`;
}

/** The smallest "nice" number (1, 2, 2.5, 5 x 10^k) at or above `x` (x > 0). */
function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

const WIDTH = 720;
const HEIGHT = 320;
const MARGIN = { left: 78, right: 16, top: 56, bottom: 40 };
const TICKS = 4;
const MAX_X_LABELS = 5;

/** Lays the chart out: every mark keeps the value it shows. Pure and deterministic. */
export function layoutChart(input: ChartInput): ChartModel {
  const plot = {
    x: MARGIN.left,
    y: MARGIN.top,
    width: WIDTH - MARGIN.left - MARGIN.right,
    height: HEIGHT - MARGIN.top - MARGIN.bottom,
  };
  const n = input.values.length;
  // The trend line: least squares over the lookback, through the window's mean at its middle
  // (core's fit: mean + slope x (x - mean x)).
  let trendEnds: { from: number; to: number; fromCents: number; toCents: number } | null = null;
  if (input.lookback && input.trendCentsPerPeriod !== null && n > 0) {
    const { from, to } = input.lookback;
    const count = to - from + 1;
    let sum = 0;
    for (let i = from; i <= to; i++) sum += input.values[i] ?? 0;
    const mean = sum / count;
    const half = ((count - 1) / 2) * input.trendCentsPerPeriod;
    trendEnds = { from, to, fromCents: Math.round(mean - half), toCents: Math.round(mean + half) };
  }
  const shown = [...input.values, input.baselineCents ?? 0, input.seasonalCents ?? 0, 0];
  // The trend line may run below zero (a falling customer): it is clipped to the plot, not given
  // room below the bars.
  if (trendEnds) shown.push(Math.max(0, trendEnds.fromCents), Math.max(0, trendEnds.toCents));
  const top = Math.max(...shown);
  const bottom = Math.min(...shown);
  const step = niceStep(Math.max(100, (top - bottom) / TICKS));
  const yMax = Math.max(step, Math.ceil(top / step) * step);
  const yMin = Math.min(0, Math.floor(bottom / step) * step);
  const y = (cents: number) => plot.y + plot.height - ((cents - yMin) / (yMax - yMin)) * plot.height;
  const slot = n > 0 ? plot.width / n : plot.width;
  const barWidth = Math.max(1, slot * 0.72);
  const xCenter = (i: number) => plot.x + slot * (i + 0.5);
  const money = (c: number) => formatMoney(c, input.currency, { compact: true });
  const per = perPeriod(input.spec);

  const ticks = [];
  for (let c = yMin; c <= yMax + step / 2; c += step) ticks.push({ cents: c, y: y(c), label: money(c) });
  const zero = y(0);
  const bars: ChartBar[] = input.values.map((cents, i) => {
    const top = Math.min(y(cents), zero);
    return {
      index: i,
      label: input.labels[i] ?? '',
      cents,
      inWindow: input.window !== null && i >= input.window.from && i <= input.window.to,
      x: xCenter(i) - barWidth / 2,
      y: top,
      width: barWidth,
      height: Math.abs(y(cents) - zero),
    };
  });
  const every = Math.max(1, Math.ceil(n / MAX_X_LABELS));
  const xLabels = [];
  // Labelled from the latest period back, so the as-of period always has its label.
  for (let i = n - 1; i >= 0; i -= every) {
    xLabels.unshift({ x: xCenter(i), label: (input.labels[i] ?? '').replace(/^week of /, '') });
  }

  const span = (from: number, to: number) => ({ x0: plot.x + slot * from, x1: plot.x + slot * (to + 1) });
  const lookback = input.lookback ?? { from: 0, to: Math.max(0, n - 1) };
  const baseline =
    input.baselineCents === null || n === 0
      ? null
      : {
          ...span(lookback.from, lookback.to),
          y0: y(input.baselineCents),
          y1: y(input.baselineCents),
          cents: input.baselineCents,
          label: `usual ${money(input.baselineCents)}${per}`,
        };
  const window =
    input.window && n > 0 ? { ...input.window, ...span(input.window.from, input.window.to) } : null;
  const trend = trendEnds && {
    ...trendEnds,
    x0: xCenter(trendEnds.from),
    y0: y(trendEnds.fromCents),
    x1: xCenter(trendEnds.to),
    y1: y(trendEnds.toCents),
  };
  const seasonal =
    input.seasonalCents === null || !input.window || n === 0
      ? null
      : {
          ...span(input.window.from, input.window.to),
          y0: y(input.seasonalCents),
          y1: y(input.seasonalCents),
          cents: input.seasonalCents,
        };
  const legend: ChartModel['legend'] = [{ label: `revenue per ${periodNoun(input.spec)}`, kind: 'bar' }];
  if (window) {
    const count = window.to - window.from + 1;
    legend.push({
      label: `last ${plural(count, periodNoun(input.spec))}: ${money(window.recentCents)}${per}`,
      kind: 'window',
    });
  }
  if (baseline) legend.push({ label: baseline.label, kind: 'baseline' });
  if (trend) legend.push({ label: 'trend', kind: 'trend' });
  if (seasonal) legend.push({ label: `seasonal ${money(seasonal.cents)}${per}`, kind: 'seasonal' });
  return {
    width: WIDTH,
    height: HEIGHT,
    title: input.title,
    plot,
    yMin,
    yMax,
    ticks,
    bars,
    xLabels,
    baseline,
    window,
    trend,
    seasonal,
    legend,
    altText: input.altText,
  };
}

const COLORS = {
  bar: '#7a8fa6',
  barWindow: '#c0392b',
  window: '#fdebd0',
  baseline: '#1e8449',
  trend: '#222222',
  seasonal: '#7d3c98',
  grid: '#e5e5e5',
  text: '#333333',
};

/** Text safe inside SVG: control and bidi characters dropped, XML specials escaped. */
function xmlText(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters is the point
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
      .replace(BIDI_CONTROLS, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/** The model as a standalone SVG document (fonts: the renderer's sans-serif). */
export function renderChartSvg(model: ChartModel): string {
  const { plot } = model;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${model.width}" height="${model.height}" viewBox="0 0 ${model.width} ${model.height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    `<title>${xmlText(model.altText)}</title>`,
    `<rect width="${model.width}" height="${model.height}" fill="#ffffff"/>`,
    `<text x="${plot.x}" y="22" font-size="15" font-weight="bold" fill="${COLORS.text}">${xmlText(model.title.length > 70 ? `${model.title.slice(0, 69)}…` : model.title)}</text>`,
  ];
  if (model.window) {
    const w = model.window;
    out.push(
      `<rect x="${r1(w.x0)}" y="${plot.y}" width="${r1(w.x1 - w.x0)}" height="${plot.height}" fill="${COLORS.window}"/>`,
    );
  }
  for (const t of model.ticks) {
    out.push(
      `<line x1="${plot.x}" y1="${r1(t.y)}" x2="${plot.x + plot.width}" y2="${r1(t.y)}" stroke="${COLORS.grid}" stroke-width="1"/>`,
      `<text x="${plot.x - 6}" y="${r1(t.y + 4)}" font-size="11" text-anchor="end" fill="${COLORS.text}">${xmlText(t.label)}</text>`,
    );
  }
  for (const b of model.bars) {
    out.push(
      `<rect x="${r1(b.x)}" y="${r1(b.y)}" width="${r1(b.width)}" height="${r1(b.height)}" fill="${b.inWindow ? COLORS.barWindow : COLORS.bar}"/>`,
    );
  }
  for (const l of model.xLabels) {
    // The last label ends at its bar, so it never runs off the picture.
    const anchor =
      l === model.xLabels[model.xLabels.length - 1] && model.xLabels.length > 1 ? 'end' : 'middle';
    const x = anchor === 'end' ? Math.min(l.x + 20, model.width - 4) : l.x;
    out.push(
      `<text x="${r1(x)}" y="${plot.y + plot.height + 18}" font-size="11" text-anchor="${anchor}" fill="${COLORS.text}">${xmlText(l.label)}</text>`,
    );
  }
  const line = (
    l: { x0: number; y0: number; x1: number; y1: number },
    color: string,
    dash: string,
    width = 2,
  ) =>
    `<line x1="${r1(l.x0)}" y1="${r1(l.y0)}" x2="${r1(l.x1)}" y2="${r1(l.y1)}" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
  if (model.baseline) out.push(line(model.baseline, COLORS.baseline, '6 4'));
  if (model.seasonal) out.push(line(model.seasonal, COLORS.seasonal, '2 3', 2.5));
  if (model.trend) {
    out.push(
      `<clipPath id="plot"><rect x="${plot.x}" y="${plot.y}" width="${plot.width}" height="${plot.height}"/></clipPath>`,
      `<g clip-path="url(#plot)">${line(model.trend, COLORS.trend, '', 2)}</g>`,
    );
  }
  // Legend, one row under the title.
  let x = plot.x;
  const legendY = 42;
  for (const item of model.legend) {
    if (item.kind === 'bar' || item.kind === 'window') {
      const fill = item.kind === 'bar' ? COLORS.bar : COLORS.barWindow;
      out.push(`<rect x="${x}" y="${legendY - 9}" width="10" height="10" fill="${fill}"/>`);
    } else {
      const color = COLORS[item.kind];
      const dash =
        item.kind === 'baseline'
          ? ' stroke-dasharray="6 4"'
          : item.kind === 'seasonal'
            ? ' stroke-dasharray="2 3"'
            : '';
      out.push(
        `<line x1="${x}" y1="${legendY - 4}" x2="${x + 14}" y2="${legendY - 4}" stroke="${color}" stroke-width="2"${dash}/>`,
      );
    }
    const label = xmlText(item.label);
    out.push(`<text x="${x + 18}" y="${legendY}" font-size="11" fill="${COLORS.text}">${label}</text>`);
    x += 18 + Math.ceil(item.label.length * 6.2) + 16;
  }
  out.push(
    `<line x1="${plot.x}" y1="${plot.y}" x2="${plot.x}" y2="${plot.y + plot.height}" stroke="#999999" stroke-width="1"/>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}

/** The customer's chart as SVG, with its alt text (the PNG is made from the SVG outside render). */
export function customerChartSvg(
  customer: CustomerAnalysis,
  result: Pick<AnalysisResult, 'period'>,
  settings: AnalysisSettings,
): { svg: string; altText: string; model: ChartModel } {
  const model = layoutChart(chartInputOf(customer, result, settings));
  return { svg: renderChartSvg(model), altText: model.altText, model };
}
