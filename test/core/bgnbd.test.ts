import { describe, expect, it } from 'vitest';
import {
  bgnbdData,
  bgnbdLogLikelihood,
  bgnbdTotalLogLikelihood,
  expectedSalesPeriods,
  fitBgnbd,
  hyp2f1,
  probabilityAlive,
  summariseSalePeriods,
} from '../../src/core/bgnbd.ts';
import { logGamma } from '../../src/core/log-gamma.ts';
import { nelderMead } from '../../src/core/nelder-mead.ts';
import { simulateBgnbd } from '../helpers/simulate-bgnbd.ts';

/** The published CDNOW estimates (Fader, Hardie and Lee 2005, weeks). */
const CDNOW = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('BG/NBD closed forms at the CDNOW parameters', () => {
  // Reference values computed independently with python3 + scipy (scipy.special.betaln, gammaln,
  // hyp2f1) straight from the paper's equations 6, 10 and 13 (no log-sum-exp, no shared code).
  it('P(alive) matches the paper: 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))', () => {
    // x = 1, t_x = 1, T = 32 by hand: a/(b+x-1) = 0.793/2.426 = 0.32687;
    // (36.414/5.414)^1.243 = 6.7259^1.243 = e^(1.243 x 1.90598) = e^2.3691 = 10.688;
    // 0.32687 x 10.688 = 3.4937; P = 1 / 4.4937 = 0.2225 (scipy: 0.22253767340895675).
    expect(probabilityAlive(CDNOW, { x: 1, tx: 1, T: 32 })).toBeCloseTo(0.22253767340895675, 12);
    // The paper's worked customer: x = 2, t_x = 30.43, T = 38.86 (scipy: 0.726578570080673).
    expect(probabilityAlive(CDNOW, { x: 2, tx: 30.43, T: 38.86 })).toBeCloseTo(0.726578570080673, 12);
    // Same customer with the last purchase at week 5: much less likely alive (scipy: 0.12367892265004961).
    expect(probabilityAlive(CDNOW, { x: 2, tx: 5, T: 38.86 })).toBeCloseTo(0.12367892265004961, 12);
    // x = 7, t_x = 35, T = 38 (scipy: 0.8619910650934327).
    expect(probabilityAlive(CDNOW, { x: 7, tx: 35, T: 38 })).toBeCloseTo(0.8619910650934327, 12);
    // No repeat purchase: alive by the model (the x > 0 indicator is 0).
    expect(probabilityAlive(CDNOW, { x: 0, tx: 0, T: 38.86 })).toBe(1);
  });

  it('a long silence after many sales gives P(alive) near 0, not NaN', () => {
    const p = probabilityAlive(CDNOW, { x: 400, tx: 10, T: 1000 });
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(1e-100);
  });

  it('log-likelihood matches equation 6 evaluated directly', () => {
    // scipy: ln[B(a,b+x)/B(a,b) G(r+x) a^r / (G(r)(alpha+T)^(r+x)) + B(a+1,b+x-1)/B(a,b) G(r+x) alpha^r / (G(r)(alpha+t_x)^(r+x))]
    expect(bgnbdLogLikelihood(CDNOW, { x: 0, tx: 0, T: 38.86 })).toBeCloseTo(-0.5547132764381585, 10);
    expect(bgnbdLogLikelihood(CDNOW, { x: 2, tx: 30.43, T: 38.86 })).toBeCloseTo(-9.45860630706627, 10);
    expect(bgnbdLogLikelihood(CDNOW, { x: 7, tx: 35, T: 38 })).toBeCloseTo(-22.012920134497154, 10);
    expect(bgnbdLogLikelihood(CDNOW, { x: 1, tx: 1, T: 32 })).toBeCloseTo(-4.302587018505557, 10);
  });

  it('the grouped total equals the sum of the individual log-likelihoods, counting repeats', () => {
    const customers = [
      { x: 0, tx: 0, T: 38.86 },
      { x: 2, tx: 30.43, T: 38.86 },
      { x: 2, tx: 30.43, T: 38.86 },
      { x: 7, tx: 35, T: 38 },
    ];
    const data = bgnbdData(customers);
    expect(data.customers).toBe(4);
    expect(data.weight.length).toBe(3);
    const sum = customers.reduce((s, c) => s + bgnbdLogLikelihood(CDNOW, c), 0);
    expect(bgnbdTotalLogLikelihood(CDNOW, data)).toBeCloseTo(sum, 9);
  });

  it('expected sales periods match equation 10 (the paper reports 1.226 for its worked customer)', () => {
    // scipy: E[Y(39) | x=2, t_x=30.43, T=38.86] = 1.226028174767135; E[Y(8)] = 0.28850713499134834.
    expect(expectedSalesPeriods(CDNOW, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226028174767135, 8);
    expect(expectedSalesPeriods(CDNOW, { x: 2, tx: 30.43, T: 38.86 }, 8)).toBeCloseTo(0.28850713499134834, 8);
    // x = 0 (scipy 0.19509805201125396) and x = 7 (scipy 4.556185276589776) over 39 weeks.
    expect(expectedSalesPeriods(CDNOW, { x: 0, tx: 0, T: 38.86 }, 39)).toBeCloseTo(0.19509805201125396, 8);
    expect(expectedSalesPeriods(CDNOW, { x: 7, tx: 35, T: 38 }, 39)).toBeCloseTo(4.556185276589776, 8);
    // Capped at h: at most one sale period per period.
    expect(expectedSalesPeriods({ r: 50, alpha: 1, a: 0.5, b: 50 }, { x: 30, tx: 30, T: 30 }, 4)).toBe(4);
    expect(expectedSalesPeriods(CDNOW, { x: 2, tx: 30.43, T: 38.86 }, 0)).toBe(0);
  });

  it('hyp2f1 series: 2F1(1, 1; 2; z) = -ln(1 - z) / z', () => {
    expect(hyp2f1(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(0.5) / 0.5, 12);
    expect(hyp2f1(1, 1, 2, 0)).toBe(1);
  });
});

describe('fitBgnbd', () => {
  it('recovers the CDNOW parameters from 20,000 simulated customers (weeks 1-12 first purchase, observed to week 39)', () => {
    const sims = simulateBgnbd(CDNOW, 20_000, 20261204, 0, 12, 39);
    const data = bgnbdData(sims);
    const fit = fitBgnbd(data);
    const rel = (got: number, want: number) => Math.abs(got - want) / want;
    expect(rel(fit.params.r, CDNOW.r)).toBeLessThanOrEqual(0.1);
    expect(rel(fit.params.alpha, CDNOW.alpha)).toBeLessThanOrEqual(0.1);
    expect(rel(fit.params.a, CDNOW.a)).toBeLessThanOrEqual(0.2);
    expect(rel(fit.params.b, CDNOW.b)).toBeLessThanOrEqual(0.2);
    // The maximum likelihood is at least the likelihood at the true parameters.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgnbdTotalLogLikelihood(CDNOW, data));
    expect(fit.customers).toBe(20_000);
    expect(fit.converged).toBe(true);
  });

  it('returns the start values and no likelihood for no customers', () => {
    const fit = fitBgnbd(bgnbdData([]));
    expect(fit.customers).toBe(0);
    expect(fit.converged).toBe(false);
  });
});

describe('summariseSalePeriods', () => {
  it('x, t_x and T in periods from the first sale, ignoring periods after as-of', () => {
    // Periods 10..17: sales in 11, 13, 14 and 17; as of 15: first 11, x = 2 (13, 14), t_x = 3, T = 4.
    expect(summariseSalePeriods([0, 1, 0, 1, 1, 0, 0, 1], 10, 15)).toEqual({ x: 2, tx: 3, T: 4 });
    // As of 20 (past the ledger's end): x = 3, t_x = 6, T = 9.
    expect(summariseSalePeriods([0, 1, 0, 1, 1, 0, 0, 1], 10, 20)).toEqual({ x: 3, tx: 6, T: 9 });
    expect(summariseSalePeriods([0, 0], 10, 20)).toBeNull();
  });
});

describe('logGamma', () => {
  it("matches python's math.lgamma (values in the test) to 1e-13 relative", () => {
    const cases: [number, number][] = [
      [0.243, 1.3180435846996699],
      [0.5, 0.5723649429247004],
      [1.5, -0.12078223763524543],
      [2.426, 0.2340081168873156],
      [3.219, 0.9044487357673843],
      [10.3, 13.48203678613836],
      [100.3, 360.51470572905816],
      [0.001, 6.907178885383854],
      [1234.5, 7550.550901077896],
    ];
    for (const [x, want] of cases)
      expect(Math.abs(logGamma(x) - want)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(want)));
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-14);
  });
});

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock function at (1, 1)', () => {
    const result = nelderMead(
      (v) => 100 * ((v[1] ?? 0) - (v[0] ?? 0) ** 2) ** 2 + (1 - (v[0] ?? 0)) ** 2,
      [-1.2, 1],
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 4);
    expect(result.x[1]).toBeCloseTo(1, 4);
  });

  it('treats non-finite values as a wall', () => {
    const result = nelderMead((v) => ((v[0] ?? 0) < 0 ? Number.NaN : ((v[0] ?? 0) - 2) ** 2), [0.5]);
    expect(result.x[0]).toBeCloseTo(2, 4);
  });
});
