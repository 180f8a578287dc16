/**
 * ln Gamma(x) for x > 0: the Lanczos approximation with g = 7 and 9 coefficients (the widely
 * published set, e.g. Numerical Recipes 3rd ed. section 6.1 uses the same form), relative error
 * below 1e-14 over the range the BG/NBD fit uses; x < 0.5 goes through the reflection formula.
 *
 * Our own rather than @stdlib/math-base-special-gammaln: that package brings about 150 @stdlib
 * packages into package-lock.json, and npm here rewrites the whole lock file on install, so the
 * dependency could not land on main cleanly. Checked against python's math.lgamma in
 * test/core/bgnbd.test.ts.
 */
const G = 7;
const COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LN_TWO_PI = 0.5 * Math.log(2 * Math.PI);

export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x); only x in (0, 0.5) here.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = COEFFICIENTS[0] ?? 0;
  for (let i = 1; i < G + 2; i++) sum += (COEFFICIENTS[i] ?? 0) / (z + i);
  const t = z + G + 0.5;
  return HALF_LN_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
