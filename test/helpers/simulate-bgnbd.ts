/**
 * Seeded simulation of BG/NBD customers (Fader, Hardie and Lee 2005): while alive a customer buys
 * in a Poisson process with rate lambda ~ Gamma(r, alpha) (shape r, rate alpha); after each repeat
 * purchase it drops out with probability p ~ Beta(a, b). Used by the BG/NBD tests only.
 */
import type { BgnbdParams, BgnbdSummary } from '../../src/core/bgnbd.ts';

/** mulberry32: a small seeded PRNG with uniform output in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  // Box-Muller; 1 - rand() keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Gamma(shape, 1) by Marsaglia and Tsang (2000); shape < 1 through Gamma(shape + 1) x U^(1/shape). */
export function gammaSample(shape: number, rand: () => number): number {
  if (shape < 1) return gammaSample(shape + 1, rand) * (1 - rand()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rand();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/**
 * `n` customers whose first purchase falls uniformly in [firstFrom, firstTo) and who are observed
 * to `observedTo` (all in weeks): each one's (x, t_x, T) in continuous time.
 */
export function simulateBgnbd(
  params: BgnbdParams,
  n: number,
  seed: number,
  firstFrom: number,
  firstTo: number,
  observedTo: number,
): BgnbdSummary[] {
  const rand = mulberry32(seed);
  const out: BgnbdSummary[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = gammaSample(params.r, rand) / params.alpha;
    const g1 = gammaSample(params.a, rand);
    const p = g1 / (g1 + gammaSample(params.b, rand));
    const first = firstFrom + (firstTo - firstFrom) * rand();
    const T = observedTo - first;
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(1 - rand()) / lambda;
      if (t > T) break;
      x++;
      tx = t;
      if (rand() < p) break;
    }
    out.push({ x, tx, T });
  }
  return out;
}
