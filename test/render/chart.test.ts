/**
 * The deep dive's chart, tested on its data model (render/chart.ts): which bars, which baseline,
 * which window is shaded, where the trend line starts and ends, the seasonal line; plus the SVG
 * holds every mark and escapes the customer's name. No pixels compared.
 */
import { describe, expect, it } from 'vitest';
import { chartInputOf, layoutChart, renderChartSvg } from '../../src/render/chart.ts';
import { buildCustomer, buildMetrics, buildSampleResult, sampleSettings } from '../helpers/build-result.ts';

// 12 weeks: eight at $500, then four at $100. Baseline $500/wk, recent $100/wk (lookback 12, R 4).
const series = [...Array(8).fill(50_000), ...Array(4).fill(10_000)] as number[];
// Least squares over x = 0..11 of that series: slope = -12 * 40000 * 32 / (12 * 143) ... worked out
// by hand below: mean = (8*50000 + 4*10000)/12 = 36666.67.
const slope = -4195.8; // cents per week (stated, as core would give it)
const customer = buildCustomer({
  customerId: 'C1',
  name: 'Acme <Corp> & "Sons"',
  status: 'scored',
  series,
  metrics: buildMetrics({
    history: 40,
    baselineCents: 50_000,
    recentCents: 10_000,
    trendCentsPerPeriod: slope,
    trendPct: slope / 50_000,
  }),
});
const result = buildSampleResult();
const settings = sampleSettings();

describe('chartInputOf', () => {
  it('takes the bars, baseline, windows, slope and alt text from the analysis', () => {
    const input = chartInputOf(customer, result, settings);
    expect(input.values).toEqual(series);
    expect(input.labels).toHaveLength(12);
    expect(input.labels[11]).toBe('week of 2026-11-16');
    expect(input.baselineCents).toBe(50_000);
    // Recent window R = 4: the last four bars; lookback L = 12: all of them.
    expect(input.window).toEqual({ from: 8, to: 11, recentCents: 10_000 });
    expect(input.lookback).toEqual({ from: 0, to: 11 });
    expect(input.trendCentsPerPeriod).toBe(slope);
    expect(input.seasonalCents).toBeNull();
    expect(input.altText).toContain('usual level (baseline) $500.00/wk');
    expect(input.altText).toContain('last 4 weeks shaded, averaging $100.00/wk (20% of usual)');
    expect(input.altText).toContain('trend down $41.96/wk each week (8% of usual)');
    expect(input.altText).toContain('latest week $100.00');
  });

  it('widens both windows for a customer who buys every other week (cadence-aware)', () => {
    const sparse = { ...customer, cadence: 2, series: Array(30).fill(20_000) as number[] };
    const input = chartInputOf(sparse, result, settings);
    // k = 2: lookback 24, recent 8 (R x k, at most half the lookback).
    expect(input.lookback).toEqual({ from: 6, to: 29 });
    expect(input.window).toEqual({ from: 22, to: 29, recentCents: 10_000 });
  });

  it('draws the seasonal expectation when the customer has one', () => {
    const seasonal = {
      ...customer,
      seasonal: { lastSeasonRecentCents: 9_000, expectedCents: 12_000, suppressed: [] },
    };
    const model = layoutChart(chartInputOf(seasonal, result, settings));
    expect(model.seasonal?.cents).toBe(12_000);
    // Across the recent window only.
    expect(model.seasonal?.x0).toBe(model.window?.x0);
    expect(model.seasonal?.x1).toBe(model.window?.x1);
    expect(model.altText).toContain('seasonal expectation $120.00/wk');
  });

  it('has no windows, baseline or trend for a customer without metrics', () => {
    const bare = buildCustomer({ customerId: 'C2', series: [0, 5_000, 0] });
    const model = layoutChart(chartInputOf(bare, result, settings));
    expect(model.bars.map((b) => b.cents)).toEqual([0, 5_000, 0]);
    expect(model.baseline).toBeNull();
    expect(model.window).toBeNull();
    expect(model.trend).toBeNull();
    expect(model.bars.every((b) => !b.inWindow)).toBe(true);
  });
});

describe('layoutChart', () => {
  const model = layoutChart(chartInputOf(customer, result, settings));

  it('has one bar per period, the last four in the shaded window', () => {
    expect(model.bars.map((b) => b.cents)).toEqual(series);
    expect(model.bars.map((b) => b.inWindow)).toEqual([...Array(8).fill(false), ...Array(4).fill(true)]);
    // Taller revenue, taller bar; bars stand on the zero line.
    expect(model.bars[0]!.height).toBeGreaterThan(model.bars[11]!.height * 4.9);
    expect(model.bars[0]!.y + model.bars[0]!.height).toBeCloseTo(model.bars[11]!.y + model.bars[11]!.height);
  });

  it('puts the baseline at $500 across the lookback and shades bars 8 to 11', () => {
    expect(model.baseline?.cents).toBe(50_000);
    expect(model.baseline?.x0).toBe(model.plot.x);
    expect(model.baseline?.x1).toBeCloseTo(model.plot.x + model.plot.width);
    expect(model.window).toMatchObject({ from: 8, to: 11, recentCents: 10_000 });
    expect(model.window!.x0).toBeCloseTo(model.bars[8]!.x - (model.plot.width / 12) * 0.14);
  });

  it('draws the trend through the lookback mean with the analysis slope', () => {
    // mean 36,666.67; half-span 5.5 weeks x -4,195.8 = -23,076.9: 59,743.57 down to 13,589.77.
    expect(model.trend).toMatchObject({ from: 0, to: 11, fromCents: 59_744, toCents: 13_590 });
    expect(model.trend!.y0).toBeLessThan(model.trend!.y1);
  });

  it('chooses an axis that holds every bar and line, with round ticks', () => {
    expect(model.yMin).toBe(0);
    expect(model.yMax).toBeGreaterThanOrEqual(59_744);
    expect(model.ticks.map((t) => t.label)).toEqual(['$0', '$200', '$400', '$600']);
    expect(model.xLabels.at(-1)?.label).toBe('2026-11-16');
  });
});

describe('layoutChart with refunds and months', () => {
  it('draws a net-negative period below the zero line and labels months', () => {
    const monthly = { ...result, period: { kind: 'month' as const } } as typeof result;
    const refunds = buildCustomer({
      customerId: 'C3',
      series: [30_000, -10_000, 20_000],
      seriesStartPeriod: 2026 * 12 + 8,
    });
    const model = layoutChart(chartInputOf(refunds, monthly, settings));
    expect(model.yMin).toBeLessThan(0);
    expect(model.ticks.some((t) => t.cents === 0)).toBe(true);
    const zero = model.ticks.find((t) => t.cents === 0)!.y;
    const [up, down] = model.bars;
    // The positive bar ends on the zero line, the negative one starts there.
    expect(up!.y + up!.height).toBeCloseTo(zero);
    expect(down!.y).toBeCloseTo(zero);
    expect(down!.height).toBeGreaterThan(0);
    expect(model.bars.map((b) => b.label)).toEqual(['2026-09', '2026-10', '2026-11']);
  });
});

describe('renderChartSvg', () => {
  it('writes every bar and line, and escapes the name', () => {
    const svg = renderChartSvg(layoutChart(chartInputOf(customer, result, settings)));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('Acme &lt;Corp&gt; &amp; &quot;Sons&quot; (C1)');
    expect(svg).not.toContain('<Corp>');
    expect(svg.match(/<rect [^>]*fill="#c0392b"/g)).toHaveLength(5); // 4 bars + the legend swatch
    expect(svg).toContain('stroke-dasharray="6 4"'); // baseline
    expect(svg).toContain('<title>Revenue by week of Acme &lt;Corp&gt;');
  });
});
