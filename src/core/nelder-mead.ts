/**
 * Nelder-Mead simplex minimisation (Nelder and Mead 1965, with the standard coefficients:
 * reflection 1, expansion 2, contraction 0.5, shrink 0.5, as in Lagarias et al. 1998).
 *
 * Our own because the one maintained npm package for it (`fmin` 0.0.4) cannot be imported from ESM
 * (its `build/fmin.js` is a UMD bundle inside a `"type": "module"` package, so `import` gets no
 * exports) and its shrink step assigns an undeclared variable, a ReferenceError in strict mode.
 * Pure and deterministic.
 */

export interface NelderMeadOptions {
  /** Initial simplex: x0 plus `step` along each axis. Default 0.5. */
  step?: number;
  /** Stop when the spread of f over the simplex and of each coordinate is below these. */
  fTolerance?: number;
  xTolerance?: number;
  maxIterations?: number;
}

export interface NelderMeadResult {
  x: number[];
  fx: number;
  iterations: number;
  /** True when the tolerances were met before maxIterations. */
  converged: boolean;
}

/** Minimises f from x0. Non-finite values of f count as +Infinity (a wall the simplex turns back from). */
export function nelderMead(
  f: (x: number[]) => number,
  x0: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const step = options.step ?? 0.5;
  const fTol = options.fTolerance ?? 1e-10;
  const xTol = options.xTolerance ?? 1e-7;
  const maxIterations = options.maxIterations ?? 2000 * x0.length;
  const n = x0.length;
  const value = (x: number[]): number => {
    const y = f(x);
    return Number.isFinite(y) ? y : Number.POSITIVE_INFINITY;
  };
  const points: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] = (p[i] ?? 0) + step;
    points.push(p);
  }
  const fs = points.map(value);
  const order = points.map((_, i) => i);
  let iterations = 0;
  let converged = false;
  const combine = (centroid: number[], worst: number[], t: number): number[] =>
    centroid.map((c, i) => c + t * (c - (worst[i] ?? 0)));

  while (iterations < maxIterations) {
    order.sort((i, j) => (fs[i] ?? 0) - (fs[j] ?? 0));
    const best = order[0] ?? 0;
    const worstIndex = order[n] ?? 0;
    const secondWorst = order[n - 1] ?? 0;
    const fBest = fs[best] ?? 0;
    const fWorst = fs[worstIndex] ?? 0;
    let xSpread = 0;
    for (const i of order) {
      for (let k = 0; k < n; k++) {
        xSpread = Math.max(xSpread, Math.abs((points[i]?.[k] ?? 0) - (points[best]?.[k] ?? 0)));
      }
    }
    if (Math.abs(fWorst - fBest) <= fTol && xSpread <= xTol) {
      converged = true;
      break;
    }
    iterations++;
    const centroid = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) {
      const p = points[order[j] ?? 0] ?? [];
      for (let k = 0; k < n; k++) centroid[k] = (centroid[k] ?? 0) + (p[k] ?? 0) / n;
    }
    const worst = points[worstIndex] ?? [];
    const reflected = combine(centroid, worst, 1);
    const fr = value(reflected);
    if (fr < fBest) {
      const expanded = combine(centroid, worst, 2);
      const fe = value(expanded);
      if (fe < fr) {
        points[worstIndex] = expanded;
        fs[worstIndex] = fe;
      } else {
        points[worstIndex] = reflected;
        fs[worstIndex] = fr;
      }
      continue;
    }
    if (fr < (fs[secondWorst] ?? 0)) {
      points[worstIndex] = reflected;
      fs[worstIndex] = fr;
      continue;
    }
    // Contract: outside when the reflection beat the worst point, inside otherwise.
    const outside = fr < fWorst;
    const contracted = combine(centroid, worst, outside ? 0.5 : -0.5);
    const fc = value(contracted);
    if (fc < (outside ? fr : fWorst)) {
      points[worstIndex] = contracted;
      fs[worstIndex] = fc;
      continue;
    }
    // Shrink every point towards the best one.
    const bestPoint = points[best] ?? [];
    for (const i of order) {
      if (i === best) continue;
      const p = points[i] ?? [];
      points[i] = p.map((v, k) => (bestPoint[k] ?? 0) + 0.5 * (v - (bestPoint[k] ?? 0)));
      fs[i] = value(points[i] ?? []);
    }
  }
  order.sort((i, j) => (fs[i] ?? 0) - (fs[j] ?? 0));
  const best = order[0] ?? 0;
  return { x: (points[best] ?? []).slice(), fx: fs[best] ?? Number.POSITIVE_INFINITY, iterations, converged };
}
