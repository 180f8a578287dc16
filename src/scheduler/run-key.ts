/**
 * The identity of one digest run: the store lets exactly one run exist per key, so the key decides
 * what "post once" means.
 *
 * A scheduled run is keyed by channel + schedule slot, NOT by the data's as-of period: a bot that
 * crashes mid-digest and restarts after new sales arrived would compute a later period, and a key
 * holding the period would then allow a second digest for the same Monday. The period is recorded
 * with the run instead (its snapshot). A manual run (`revgap post`, no slot) is keyed by channel +
 * as-of period, so posting the same week twice by hand needs `--force`-style intent elsewhere.
 */

/** A scheduled run: `digest:C0123:slot:2026-11-23T08:00:00.000Z`. */
export function runKeyForSlot(channel: string, slot: Date): string {
  return `digest:${channel}:slot:${slot.toISOString()}`;
}

/** A manual run for an as-of period label (`2026-W47`, `2026-11`): `digest:C0123:period:2026-W47`. */
export function runKeyForPeriod(channel: string, period: string | number): string {
  return `digest:${channel}:period:${period}`;
}

/** Either kind, from what the caller has. */
export function runKeyFor(
  input: { channel: string; slot: Date } | { channel: string; period: string | number },
): string {
  return 'slot' in input
    ? runKeyForSlot(input.channel, input.slot)
    : runKeyForPeriod(input.channel, input.period);
}
