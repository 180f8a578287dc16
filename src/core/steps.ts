/**
 * Stepped computations: the long passes over every customer (`analyzeSteps`, `runBacktestSteps`,
 * `ledgerFromPartSteps`, the customer index) are generators that pause (yield) every
 * `CUSTOMERS_PER_STEP` customers. The core stays pure and synchronous; a caller with an event loop
 * to keep (the bot refreshing its snapshot) runs them with `runSteps` and a `pause` of its own
 * (`setImmediate`), the CLI runs them through at once (`drainSteps`, or `runSteps` without one).
 */

/** Customers handled between two pauses: a few milliseconds of work on one core. */
export const CUSTOMERS_PER_STEP = 2048;

/**
 * What a step may say as it pauses: `COLLECT`, "much of what was built so far has just become
 * garbage" (the analysis, once every customer has its analysis and its working maps are emptied).
 * A caller that runs full collections itself (the CLI) runs one there; others ignore it.
 */
export const COLLECT = 'collect';

/** A computation that pauses now and then and returns a `T` at its end. */
export type Steps<T> = Generator<typeof COLLECT | undefined, T, void>;

/** Runs a stepped computation to its end without pausing. */
export function drainSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * Runs a stepped computation to its end, awaiting `pause` between steps (never after the last);
 * without one, runs it through at once as `drainSteps` does, calling `collect` where a step says
 * `COLLECT`. The one loop every stepped caller uses: the analysis, the sources' ledgers, the
 * refresh's look-ups.
 */
export async function runSteps<T>(
  steps: Steps<T>,
  pause: (() => Promise<void>) | undefined,
  collect?: () => void,
): Promise<T> {
  if (pause === undefined) {
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      if (next.value === COLLECT) collect?.();
    }
  }
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await pause();
  }
}

/**
 * Sorts `items` in place in steps: runs of `CUSTOMERS_PER_STEP` items sorted by
 * `Array.prototype.sort`, then merged pairwise, pausing every few thousand items moved. Both the
 * runs' sort and the merges are stable (a tie keeps the left item first), so the order is exactly
 * the one `items.sort(compare)` gives.
 */
export function* sortSteps<T>(items: T[], compare: (a: T, b: T) => number): Steps<void> {
  const n = items.length;
  const run = CUSTOMERS_PER_STEP;
  if (n <= run) {
    items.sort(compare);
    return;
  }
  for (let from = 0; from < n; from += run) {
    const sorted = items.slice(from, from + run).sort(compare);
    for (let i = 0; i < sorted.length; i++) items[from + i] = sorted[i] as T;
    yield;
  }
  let source = items;
  let target = new Array<T>(n);
  let moved = 0;
  for (let width = run; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const left = source[i] as T;
        const right = source[j] as T;
        if (compare(right, left) < 0) {
          target[k++] = right;
          j++;
        } else {
          target[k++] = left;
          i++;
        }
        if (++moved % (4 * run) === 0) yield;
      }
      while (i < mid) target[k++] = source[i++] as T;
      while (j < hi) target[k++] = source[j++] as T;
    }
    [source, target] = [target, source];
  }
  if (source !== items) for (let i = 0; i < n; i++) items[i] = source[i] as T;
}
