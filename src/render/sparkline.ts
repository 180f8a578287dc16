/**
 * Text sparklines (▁▂▃▄▅▆▇█) for revenue series, in markdown and Slack.
 *
 * Bars scale from zero, not from the series minimum: a customer going from $100 to $105 a week
 * must not look like a crash. Zero and negative periods (no sales, refunds) always get the lowest
 * bar; any positive period gets at least the second bar, so "no sales" stays visible.
 */
import type { NetCents } from '../core/types.ts';

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
const LOWEST = BARS[0];
const MID = BARS[3];

/**
 * One character per value. Empty input gives "". Non-finite, zero and negative values give ▁.
 * A series whose values are all equal and positive is drawn flat at mid height (▄).
 */
export function renderSparkline(values: NetCents): string {
  if (values.length === 0) return '';
  const clean = values.map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const max = Math.max(...clean);
  if (max === 0) return LOWEST.repeat(clean.length);
  if (clean.every((v) => v === max)) return MID.repeat(clean.length);
  let out = '';
  for (const v of clean) {
    // Positive values map to bars 1..7 in proportion to the maximum.
    out += v === 0 ? LOWEST : BARS[1 + Math.round((v / max) * 6)];
  }
  return out;
}
