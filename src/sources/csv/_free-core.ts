/**
 * Whether a second core is free for parallel reading now. The 1-minute load average trails by a
 * minute: right after another heavy process ended (a build, the previous run of a script) it still
 * says "busy" while both cores sit idle, and a read then took one thread for no reason (the bench's
 * side-by-side runs kept it at 1.6-2.9, docs/cli.md#benchmark). The kernel's per-CPU idle time
 * since this module was loaded (the process' start-up, at least MIN_WINDOW_MS) says what the cores
 * did just now; the load average decides only when the platform gives no idle times.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';

/** Idle milliseconds summed over the CPUs, and when they were read. */
export interface IdleSample {
  idleMs: number;
  at: number;
}

function sampleIdle(): IdleSample {
  let idleMs = 0;
  for (const cpu of cpus()) idleMs += cpu.times.idle;
  return { idleMs, at: performance.now() };
}

/** Where the launcher (bin/revgap.mjs) leaves its reading of the idle time at start-up. */
export const IDLE_AT_START = Symbol.for('revgap.idleAtStart');

/** The launcher's reading in `globals`, when it left a well-formed one. */
export function idleAtStart(globals: Record<symbol, unknown>): IdleSample | null {
  const sample = globals[IDLE_AT_START] as Partial<IdleSample> | undefined;
  return typeof sample?.idleMs === 'number' && typeof sample.at === 'number'
    ? { idleMs: sample.idleMs, at: sample.at }
    : null;
}

/**
 * The window's start: the launcher's reading at start-up, before the modules load (the decision
 * then comes ~120 ms sooner at 100,000 customers, and the read workers start as much sooner), or,
 * without it (tests, a library user), this module's loading.
 */
const loaded: IdleSample = idleAtStart(globalThis as unknown as Record<symbol, unknown>) ?? sampleIdle();

/** Idle share of a core, besides this thread, that counts as a free core (see `secondCoreFreeBy`). */
export const FREE_CORE_IDLE = 0.35;

/** Windows shorter than this fall back to the load average (the kernel counts idle time in 10 ms ticks). */
export const MIN_WINDOW_MS = 150;

/**
 * Of the CPUs, how many sat idle between `since` and `now`, on average (0 .. CPUs); null when the
 * window is too short to tell or the platform gives no idle times.
 */
export function idleCores(since: IdleSample, now: IdleSample): number | null {
  const window = now.at - since.at;
  // No idle time since boot at all: the platform does not say (os.cpus() empty in some containers).
  if (window < MIN_WINDOW_MS || now.idleMs === 0) return null;
  return Math.max(0, (now.idleMs - since.idleMs) / window);
}

/**
 * The rule, on its readings: 2+ CPUs and, besides this thread, a third of a core or more
 * (FREE_CORE_IDLE) sat idle in the window; without a window long enough, a 1-minute load average of
 * at most CPUs - 1. Start-up itself keeps a second thread of this process busy part of the time
 * (compiling, collecting the customers list's garbage): 0.69-0.78 of a core reads idle on a quiet
 * 2-core machine, ~0.05 beside another busy process; a threshold of 0.5 once missed a quiet
 * machine in ~15 runs right after a large run.
 */
export function secondCoreFreeBy(cpuCount: number, idle: number | null, loadAverage: number): boolean {
  if (cpuCount < 2) return false;
  if (idle !== null) return idle >= FREE_CORE_IDLE;
  return loadAverage <= cpuCount - 1;
}

/**
 * Whether a second core is free now (`secondCoreFreeBy` on this machine's readings). Asked less than
 * MIN_WINDOW_MS after start-up, it waits out the rest of the window (the caller's other work, such
 * as reading the customers list, goes on meanwhile) rather than trust the 1-minute load average.
 */
export async function secondCoreFree(): Promise<boolean> {
  const wait = MIN_WINDOW_MS - (performance.now() - loaded.at);
  if (wait > 0) await delay(wait);
  return secondCoreFreeBy(availableParallelism(), idleCores(loaded, sampleIdle()), loadavg()[0]!);
}
