/**
 * The BG/NBD model (Fader, Hardie and Lee, "Counting your customers the easy way: an alternative to
 * the Pareto/NBD model", Marketing Science 24(2), 2005), evidence spec section 3.
 *
 * While alive a customer buys at rate lambda ~ Gamma(r, alpha) (shape r, rate alpha); after each
 * purchase it drops out with probability p ~ Beta(a, b). Per customer, in units of periods:
 * x = periods with a sale after the first one, t_x = last sale period - first sale period,
 * T = as-of period - first sale period. The formulas and the choices behind them are in
 * docs/analysis-formulas.md ("Probability alive"); pure, no clock.
 *
 * Log-gamma (src/core/log-gamma.ts) and the optimiser (src/core/nelder-mead.ts) are our own; each
 * file says why.
 */
import { logGamma as gammaln } from './log-gamma.ts';
import { nelderMead } from './nelder-mead.ts';

export interface BgnbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One customer's summary: x repeat periods, last sale t_x and age T after the first sale. */
export interface BgnbdSummary {
  x: number;
  tx: number;
  T: number;
}

/**
 * Customers grouped by identical (x, t_x, T), each group with its count: with integer periods a
 * data set of 100,000 customers has a few thousand distinct triples, so a likelihood evaluation
 * costs that many terms, not one per customer.
 */
export interface BgnbdData {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  /** Total weight (customers). */
  customers: number;
}

export interface BgnbdFit {
  params: BgnbdParams;
  /** Total log-likelihood at `params` (equation 6 of the paper, summed over customers). */
  logLikelihood: number;
  customers: number;
  iterations: number;
  converged: boolean;
}

/** Groups summaries with identical (x, t_x, T). */
export function bgnbdData(summaries: Iterable<BgnbdSummary>): BgnbdData {
  const groups = new Map<string, { s: BgnbdSummary; n: number }>();
  for (const s of summaries) {
    const key = `${s.x},${s.tx},${s.T}`;
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, { s, n: 1 });
  }
  const size = groups.size;
  const data: BgnbdData = {
    x: new Float64Array(size),
    tx: new Float64Array(size),
    T: new Float64Array(size),
    weight: new Float64Array(size),
    customers: 0,
  };
  // Sorted by x, so terms that depend on x alone are computed once per run of equal x.
  const sorted = [...groups.values()].sort((g, h) => g.s.x - h.s.x);
  let i = 0;
  for (const { s, n } of sorted) {
    data.x[i] = s.x;
    data.tx[i] = s.tx;
    data.T[i] = s.T;
    data.weight[i] = n;
    data.customers += n;
    i++;
  }
  return data;
}

/** log(e^u + e^v) without overflow; v may be -Infinity. */
function logSumExp(u: number, v: number): number {
  if (v === Number.NEGATIVE_INFINITY) return u;
  const m = Math.max(u, v);
  return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
}

/**
 * One customer's log-likelihood, log L(r, alpha, a, b | x, t_x, T) of equation 6, in log form:
 *   ln L = A1 + A2 + ln(e^A3 + [x > 0] e^A4), with
 *   A1 = lnG(r + x) - lnG(r) + r ln alpha
 *   A2 = lnG(a + b) + lnG(b + x) - lnG(b) - lnG(a + b + x)
 *   A3 = -(r + x) ln(alpha + T)
 *   A4 = ln a - ln(b + x - 1) - (r + x) ln(alpha + t_x)
 * (B(a+1, b+x-1) / B(a, b+x) = a / (b+x-1) turns the second beta ratio into A4's first terms.)
 */
export function bgnbdLogLikelihood(params: BgnbdParams, s: BgnbdSummary): number {
  const { r, alpha, a, b } = params;
  const { x, tx, T } = s;
  const a1 = gammaln(r + x) - gammaln(r) + r * Math.log(alpha);
  const a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  const a4 =
    x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : Number.NEGATIVE_INFINITY;
  return a1 + a2 + logSumExp(a3, a4);
}

/** Sum of the log-likelihoods over grouped customers (terms that depend on x alone computed once per x). */
export function bgnbdTotalLogLikelihood(params: BgnbdParams, data: BgnbdData): number {
  const { r, alpha, a, b } = params;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NEGATIVE_INFINITY;
  const lnAlpha = Math.log(alpha);
  const lnA = Math.log(a);
  const base = -gammaln(r) + r * lnAlpha + gammaln(a + b) - gammaln(b);
  let total = 0;
  let lastX = Number.NaN;
  let xTerm = 0;
  let lnBx = 0;
  for (let i = 0; i < data.weight.length; i++) {
    const x = data.x[i] ?? 0;
    if (x !== lastX) {
      // bgnbdData sorts by x; any other order is still right, only slower.
      xTerm = gammaln(r + x) + gammaln(b + x) - gammaln(a + b + x);
      lnBx = x > 0 ? lnA - Math.log(b + x - 1) : 0;
      lastX = x;
    }
    const a3 = -(r + x) * Math.log(alpha + (data.T[i] ?? 0));
    const a4 = x > 0 ? lnBx - (r + x) * Math.log(alpha + (data.tx[i] ?? 0)) : Number.NEGATIVE_INFINITY;
    total += (data.weight[i] ?? 0) * (base + xTerm + logSumExp(a3, a4));
  }
  return total;
}

const START: BgnbdParams = { r: 1, alpha: 1, a: 1, b: 1 };

function fromLog(v: readonly number[]): BgnbdParams {
  return {
    r: Math.exp(v[0] ?? 0),
    alpha: Math.exp(v[1] ?? 0),
    a: Math.exp(v[2] ?? 0),
    b: Math.exp(v[3] ?? 0),
  };
}

/**
 * Maximum-likelihood fit: Nelder-Mead on (ln r, ln alpha, ln a, ln b) minimising the mean negative
 * log-likelihood per customer, restarted from its own optimum until a restart gains less than 1e-9
 * (at most 5 runs; a restart rebuilds a full-size simplex, the usual guard against a simplex that
 * collapsed early). Start: r = 1, alpha = the mean T (a rate of about one sale over a customer's
 * observed age), a = 1, b = 1. Parameters are clamped to [1e-4, 1e4] on the log scale.
 */
export function fitBgnbd(data: BgnbdData): BgnbdFit {
  const n = data.customers;
  if (n === 0) {
    return { params: START, logLikelihood: 0, customers: 0, iterations: 0, converged: false };
  }
  let meanT = 0;
  for (let i = 0; i < data.weight.length; i++) meanT += (data.weight[i] ?? 0) * (data.T[i] ?? 0);
  meanT = Math.max(1, meanT / n);
  const bound = Math.log(1e4);
  const objective = (v: number[]): number => {
    for (const value of v) if (!(Math.abs(value) <= bound)) return Number.POSITIVE_INFINITY;
    return -bgnbdTotalLogLikelihood(fromLog(v), data) / n;
  };
  let x = [0, Math.log(meanT), 0, 0];
  let fx = objective(x);
  let iterations = 0;
  let converged = false;
  for (let run = 0; run < 5; run++) {
    const result = nelderMead(objective, x, { step: run === 0 ? 0.5 : 0.1, maxIterations: 4000 });
    iterations += result.iterations;
    converged = result.converged;
    const gain = fx - result.fx;
    if (result.fx <= fx) {
      x = result.x;
      fx = result.fx;
    }
    if (run > 0 && gain < 1e-9) break;
  }
  const params = fromLog(x);
  return {
    params,
    logLikelihood: bgnbdTotalLogLikelihood(params, data),
    customers: n,
    iterations,
    converged,
  };
}

/**
 * P(alive | x, t_x, T) (equation 13 of the paper):
 *   1 / (1 + [x > 0] x a / (b + x - 1) x ((alpha + T) / (alpha + t_x))^(r + x)),
 * computed through logs so a long silence after many sales gives 0, not NaN.
 */
export function probabilityAlive(params: BgnbdParams, s: BgnbdSummary): number {
  if (s.x <= 0) return 1;
  const { r, alpha, a, b } = params;
  const logOdds =
    Math.log(a) - Math.log(b + s.x - 1) + (r + s.x) * (Math.log(alpha + s.T) - Math.log(alpha + s.tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * Gauss hypergeometric series 2F1(a, b; c; z) = sum_k (a)_k (b)_k / ((c)_k k!) z^k for 0 <= z < 1,
 * summed until a term is below 1e-15 of the sum (at most 100,000 terms).
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 100_000; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (Math.abs(term) <= 1e-15 * Math.abs(sum)) break;
  }
  return sum;
}

/**
 * Expected number of periods with a sale in the next h periods (equation 10 of the paper):
 *   E[Y(h) | x, t_x, T] = (a + b + x - 1) / (a - 1)
 *     x [1 - ((alpha + T) / (alpha + T + h))^(r + x) x 2F1(r + x, b + x; a + b + x - 1; h / (alpha + T + h))]
 *     / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))
 * The model counts transactions in continuous time; a period holds at most one "sale period", so the
 * figure is capped at h. At a = 1 exactly (0 / 0) a is nudged by 1e-9.
 */
export function expectedSalesPeriods(params: BgnbdParams, s: BgnbdSummary, h: number): number {
  if (h <= 0) return 0;
  const { r, alpha, b } = params;
  const a = Math.abs(params.a - 1) < 1e-9 ? params.a + 1e-9 : params.a;
  const { x, T } = s;
  const z = h / (alpha + T + h);
  const power = Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + T + h)));
  const hyp = hyp2f1(r + x, b + x, a + b + x - 1, z);
  const numerator = ((a + b + x - 1) / (a - 1)) * (1 - power * hyp);
  const pAlive = probabilityAlive({ r, alpha, a, b }, s);
  return Math.min(h, Math.max(0, numerator * pAlive));
}

/**
 * The BG/NBD summary of one customer's sale periods as of period `asOf`: x = periods with a sale
 * after the first (on or before asOf), t_x = last - first, T = asOf - first. Null with no sale.
 * `positive[i]` is 1 when period startPeriod + i had a sale.
 */
export function summariseSalePeriods(
  positive: ArrayLike<number>,
  startPeriod: number,
  asOf: number,
): BgnbdSummary | null {
  const last = Math.min(positive.length - 1, asOf - startPeriod);
  let first = -1;
  let lastSale = -1;
  let sales = 0;
  for (let i = 0; i <= last; i++) {
    if (positive[i] === 1) {
      if (first < 0) first = i;
      lastSale = i;
      sales++;
    }
  }
  if (first < 0) return null;
  return { x: sales - 1, tx: lastSale - first, T: asOf - startPeriod - first };
}
