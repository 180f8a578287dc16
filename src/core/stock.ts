/**
 * Supply-side causes (shared/spec/evidence.md section 7): was a gap the shop's own empty shelves?
 * Pure. Formulas and the reasoning behind the rule: docs/analysis-formulas.md, "Supply-side causes".
 *
 * - A store-period's stockout share = SKUs out (on hand <= 0, or below `lowStockShare` x average
 *   weekly demand when both are known) / SKU rows of that store in that period.
 * - A customer's gap is marked possibly supply-caused when (1) its store's mean stockout share in
 *   the recent window is at least `margin` above its mean in the baseline window, and (2) the
 *   customer's revenue in the store's stockout periods of the lookback (share >= baseline share +
 *   margin) fell below what its own trend predicts, by at least `dipShare` x baseline, while the
 *   other periods fit the trend: the trend is a least-squares line through the lookback periods
 *   that are not stockout periods, so a customer declining steadily whatever the stock is not marked.
 */
import { isoFromDay, periodOfDay, periodStartDay } from './periods.ts';
import type { AnalysisResult, CustomerAnalysis, PeriodSpec } from './types.ts';

export interface StockRow {
  storeId: string;
  sku: string;
  /** Days since 1970-01-01 of the week's first day. */
  weekStartDay: number;
  onHandUnits: number;
  onOrderUnits?: number;
  avgWeeklyDemand?: number;
  /** 1-based line in the stock file. */
  line?: number;
}

export interface SupplySettings {
  /** Recent minus baseline stockout share that counts as "clearly above" (default 0.1). */
  margin: number;
  /** A SKU is out below this share of its average weekly demand (default 0: only at 0 on hand). */
  lowStockShare: number;
  /** The dip below trend in stockout periods, as a share of the baseline (default 0.2). */
  dipShare: number;
}

export const DEFAULT_SUPPLY_SETTINGS: SupplySettings = { margin: 0.1, lowStockShare: 0, dipShare: 0.2 };

interface StorePeriod {
  stocked: number;
  out: number;
  outSkus: Set<string>;
}

/** Stockout counts per store and period. */
export type StockoutIndex = Map<string, Map<number, StorePeriod>>;

export function isOut(row: StockRow, settings: Pick<SupplySettings, 'lowStockShare'>): boolean {
  if (row.onHandUnits <= 0) return true;
  return (
    settings.lowStockShare > 0 &&
    row.avgWeeklyDemand !== undefined &&
    row.avgWeeklyDemand > 0 &&
    row.onHandUnits < settings.lowStockShare * row.avgWeeklyDemand
  );
}

export function buildStockoutIndex(
  rows: Iterable<StockRow>,
  spec: PeriodSpec,
  settings: Pick<SupplySettings, 'lowStockShare'> = DEFAULT_SUPPLY_SETTINGS,
): StockoutIndex {
  const index: StockoutIndex = new Map();
  for (const row of rows) {
    let store = index.get(row.storeId);
    if (!store) {
      store = new Map();
      index.set(row.storeId, store);
    }
    const period = periodOfDay(row.weekStartDay, spec);
    let cell = store.get(period);
    if (!cell) {
      cell = { stocked: 0, out: 0, outSkus: new Set() };
      store.set(period, cell);
    }
    cell.stocked++;
    if (isOut(row, settings)) {
      cell.out++;
      cell.outSkus.add(row.sku);
    }
  }
  return index;
}

/** Stockout share of a store in a period, or null when the store reported no stock then. */
export function stockoutShare(index: StockoutIndex, storeId: string, period: number): number | null {
  const cell = index.get(storeId)?.get(period);
  return cell && cell.stocked > 0 ? cell.out / cell.stocked : null;
}

function meanShare(index: StockoutIndex, storeId: string, from: number, to: number): number | null {
  let sum = 0;
  let n = 0;
  for (let p = from; p <= to; p++) {
    const s = stockoutShare(index, storeId, p);
    if (s !== null) {
      sum += s;
      n++;
    }
  }
  return n > 0 ? sum / n : null;
}

/** Why a gap is marked: the store, its shares, the SKUs out and when, and the customer's dip. */
export interface SupplyMark {
  storeId: string;
  recentShare: number;
  baselineShare: number;
  /** Lookback periods whose stockout share was at least baseline share + margin. */
  stockoutPeriods: number[];
  /** SKUs out in those periods, with the periods each was out (ascending). */
  skusOut: { sku: string; periods: number[] }[];
  /** Mean of (v - trend) over the stockout periods, cents (negative: below trend). */
  dipCents: number;
}

/** The supply-side mark of one customer, or null (not marked). */
export function supplyMarkOf(
  customer: Pick<CustomerAnalysis, 'series' | 'seriesStartPeriod' | 'metrics'>,
  storeId: string,
  index: StockoutIndex,
  window: { asOfPeriod: number; lookback: number; recentWindow: number },
  settings: SupplySettings = DEFAULT_SUPPLY_SETTINGS,
): SupplyMark | null {
  const b = customer.metrics?.baselineCents ?? 0;
  if (b <= 0 || !index.has(storeId)) return null;
  const A = window.asOfPeriod;
  const first = A - window.lookback + 1;
  const recentFrom = A - window.recentWindow + 1;
  const recentShare = meanShare(index, storeId, recentFrom, A);
  const baselineShare = meanShare(index, storeId, first, recentFrom - 1);
  if (recentShare === null || baselineShare === null) return null;
  if (recentShare < baselineShare + settings.margin) return null;

  const v = (p: number) => {
    const i = p - customer.seriesStartPeriod;
    return i >= 0 && i < customer.series.length ? (customer.series[i] ?? 0) : 0;
  };
  const stockoutPeriods: number[] = [];
  const normal: number[] = [];
  for (let p = first; p <= A; p++) {
    const s = stockoutShare(index, storeId, p);
    if (s !== null && s >= baselineShare + settings.margin) stockoutPeriods.push(p);
    else normal.push(p);
  }
  if (stockoutPeriods.length === 0 || normal.length < 2) return null;
  // Least-squares line through the customer's normal periods.
  const mx = normal.reduce((s, p) => s + p, 0) / normal.length;
  const my = normal.reduce((s, p) => s + v(p), 0) / normal.length;
  let sxy = 0;
  let sxx = 0;
  for (const p of normal) {
    sxy += (p - mx) * (v(p) - my);
    sxx += (p - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const trend = (p: number) => my + slope * (p - mx);
  const dipCents = stockoutPeriods.reduce((s, p) => s + (v(p) - trend(p)), 0) / stockoutPeriods.length;
  if (dipCents > -settings.dipShare * b) return null;

  const bySku = new Map<string, number[]>();
  for (const p of stockoutPeriods) {
    for (const sku of index.get(storeId)?.get(p)?.outSkus ?? []) {
      const list = bySku.get(sku);
      if (list) list.push(p);
      else bySku.set(sku, [p]);
    }
  }
  const skusOut = [...bySku.entries()]
    .map(([sku, periods]) => ({ sku, periods }))
    .sort((x, y) => y.periods.length - x.periods.length || x.sku.localeCompare(y.sku));
  return { storeId, recentShare, baselineShare, stockoutPeriods, skusOut, dipCents };
}

/** Marks for every customer with a gap whose store is known; counts for the report. */
export function markSupplyCausedGaps(
  result: Pick<AnalysisResult, 'customers' | 'asOf'>,
  customerStores: ReadonlyMap<string, string>,
  index: StockoutIndex,
  window: { lookback: number; recentWindow: number },
  settings: SupplySettings = DEFAULT_SUPPLY_SETTINGS,
): { marks: Map<string, SupplyMark>; gapsWithStore: number; gapsWithStock: number } {
  const marks = new Map<string, SupplyMark>();
  let gapsWithStore = 0;
  let gapsWithStock = 0;
  for (const c of result.customers) {
    if (c.gaps.length === 0) continue;
    const storeId = customerStores.get(c.customerId);
    if (storeId === undefined) continue;
    gapsWithStore++;
    if (!index.has(storeId)) continue;
    gapsWithStock++;
    const mark = supplyMarkOf(c, storeId, index, { asOfPeriod: result.asOf.period, ...window }, settings);
    if (mark) marks.set(c.customerId, mark);
  }
  return { marks, gapsWithStore, gapsWithStock };
}

/** The store a customer buys at: the store of most of its rows (ties: the smaller id). */
export function customerStoresOf(
  rows: Iterable<{ customerId: string; storeId?: string }>,
): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (r.storeId === undefined) continue;
    let c = counts.get(r.customerId);
    if (!c) {
      c = new Map();
      counts.set(r.customerId, c);
    }
    c.set(r.storeId, (c.get(r.storeId) ?? 0) + 1);
  }
  const out = new Map<string, string>();
  for (const [customerId, c] of counts) {
    const [best] = [...c.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (best) out.set(customerId, best[0]);
  }
  return out;
}

/** The rule in words, for the report's method and the JSON document. */
export function supplyRuleText(settings: SupplySettings = DEFAULT_SUPPLY_SETTINGS): string {
  const m = Math.round(settings.margin * 100);
  const d = Math.round(settings.dipShare * 100);
  return (
    `a gap is marked possibly supply-caused when its customer's store had at least ${m} points more ` +
    `SKUs out of stock in the recent window than in the baseline, and the customer's revenue in the ` +
    `store's stockout weeks fell at least ${d}% of its baseline below its own trend through the other weeks ` +
    '(a customer declining steadily whatever the stock is not marked)'
  );
}

/** A mark as shown: the store, SKUs out with the dates of the periods they were out. */
export interface SupplyMarkShown {
  storeId: string;
  recentStockoutShare: number;
  baselineStockoutShare: number;
  /** First days (YYYY-MM-DD) of the stockout periods. */
  stockoutPeriods: string[];
  skusOut: { sku: string; periods: string[] }[];
  dipCents: number;
}

export interface SupplySummary {
  source: string;
  rule: string;
  /** Customers with a gap and a known store; of them, with stock rows for that store; marked. */
  gapsWithStore: number;
  gapsWithStock: number;
  marked: number;
}

/** The recommendation of a marked gap. */
export function supplyRecommendation(mark: Pick<SupplyMarkShown, 'skusOut'>): string {
  const skus = mark.skusOut.map((s) => s.sku);
  const shown =
    skus.length > 5 ? `${skus.slice(0, 5).join(', ')} and ${skus.length - 5} more` : skus.join(', ');
  return `Fix availability of ${shown} first; tell the customer when they are back.`;
}

/**
 * The result with the supply-side marks: each marked customer (and its priority) carries the mark,
 * a marked priority's recommendation becomes the availability one, and `supply` counts them.
 */
export function applySupplyMarks(
  result: AnalysisResult,
  customerStores: ReadonlyMap<string, string>,
  index: StockoutIndex,
  window: { lookback: number; recentWindow: number },
  source: string,
  settings: SupplySettings = DEFAULT_SUPPLY_SETTINGS,
): AnalysisResult {
  const { marks, gapsWithStore, gapsWithStock } = markSupplyCausedGaps(
    result,
    customerStores,
    index,
    window,
    settings,
  );
  const day = (p: number) => isoFromDay(periodStartDay(p, result.period));
  const shown = new Map<string, SupplyMarkShown>();
  for (const [id, m] of marks) {
    shown.set(id, {
      storeId: m.storeId,
      recentStockoutShare: m.recentShare,
      baselineStockoutShare: m.baselineShare,
      stockoutPeriods: m.stockoutPeriods.map(day),
      skusOut: m.skusOut.map((s) => ({ sku: s.sku, periods: s.periods.map(day) })),
      dipCents: Math.round(m.dipCents),
    });
  }
  return {
    ...result,
    customers: result.customers.map((c) => {
      const mark = shown.get(c.customerId);
      return mark ? { ...c, supplyMark: mark } : c;
    }),
    priorities: result.priorities.map((p) => {
      const mark = shown.get(p.customerId);
      return mark ? { ...p, supplyMark: mark, recommendation: supplyRecommendation(mark) } : p;
    }),
    supply: { source, rule: supplyRuleText(settings), gapsWithStore, gapsWithStock, marked: marks.size },
  };
}
