/**
 * Python's `round(x, ndigits)` for floats, so the seed rules round exactly where and how the original
 * system (a Python notebook) did. Python rounds the exact binary value of the double half to even;
 * `Math.round(x * 100) / 100` does not (it rounds half up, and `x * 100` is itself rounded first).
 *
 * Why it matters: the seed data's weekly amounts have cents, so 4-week means end in quarter cents and
 * 87 of the 343 gap amounts on the shared data sit on a half cent. The published total ($22,583.22)
 * depends on which way each computed double went: rounding the exact quarter-cent values half up
 * gives $22,583.73, half to even $22,583.36; Python's rounding of the computed doubles gives $22,583.22.
 */

/** Decimal digits after the point that `toFixed` may print (the exact value of any double >= 2^-40 fits). */
const EXACT_DIGITS = 100;

/**
 * `round(x, digits)` as CPython computes it for a float: the exact value of `x`, rounded to `digits`
 * decimals with ties to even, returned as the nearest double.
 */
export function roundLikePython(x: number, digits: number): number {
  // Doubles this large have no fraction digits (and toFixed would switch to exponent notation).
  if (!Number.isFinite(x) || x === 0 || Math.abs(x) >= 1e21) return x;
  // Fast path: unless x sits within a hair of a half, scaling and rounding cannot pick the wrong
  // side (the scaling error is ~1e-16 relative, far below the 1e-6 margin for |x| x 10^digits < 1e9),
  // and integer / 10^digits is the double nearest the decimal result, as Python returns.
  const scale = 10 ** digits;
  const scaled = Math.abs(x) * scale;
  if (scaled < 1e9) {
    const fraction = scaled - Math.floor(scaled);
    if (Math.abs(fraction - 0.5) > 1e-6) {
      const value = Math.round(scaled) / scale;
      return x < 0 ? -value : value;
    }
  }
  return roundExactly(x, digits);
}

/** The slow, exact path of `roundLikePython` (exported for its tests). */
export function roundExactly(x: number, digits: number): number {
  if (!Number.isFinite(x) || x === 0 || Math.abs(x) >= 1e21) return x;
  const negative = x < 0;
  // toFixed prints the exact decimal value of the double (to 100 places), so ties are real ties.
  const text = Math.abs(x).toFixed(EXACT_DIGITS);
  const point = text.indexOf('.');
  const whole = text.slice(0, point);
  const fraction = text.slice(point + 1);
  const kept = `${whole}${fraction.slice(0, digits)}`;
  const rest = fraction.slice(digits);
  const first = rest.charCodeAt(0) - 48;
  let roundUp = false;
  if (first > 5) roundUp = true;
  else if (first === 5) {
    const exactHalf = /^50*$/.test(rest);
    const lastKept = kept.charCodeAt(kept.length - 1) - 48;
    roundUp = !exactHalf || lastKept % 2 === 1;
  }
  let scaled = BigInt(kept);
  if (roundUp) scaled += 1n;
  const value = Number(`${scaled}e-${digits}`);
  return negative ? -value : value;
}
