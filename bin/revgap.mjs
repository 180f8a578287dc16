#!/usr/bin/env node
// Starts revgap from dist/ (plain JavaScript, built by `npm run build`) when that build is present
// and nothing in src/ changed since it started (bin/_dist.mjs); otherwise runs the TypeScript
// sources through tsx's loader, so a fresh clone needs only `npm install`.
import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { useDist } from './_dist.mjs';

// A full garbage collection between reading the sales, building the ledger and analysing (see
// runAnalysis) frees each phase's spent buffers before the next allocates: ~50-90 MB less peak
// memory on 100,000 customers, for ~50 ms each. `--expose-gc` set at run time applies to new
// contexts only, hence the fresh context.
if (typeof globalThis.gc !== 'function') {
  setFlagsFromString('--expose-gc');
  globalThis.gc = runInNewContext('gc');
}

// The CPUs' idle time at start-up, before the modules load: whether a second core is free is
// read from the idle time since (src/sources/csv/_free-core.ts), and the sooner it starts, the
// sooner a large read can go to worker threads.
let idleMs = 0;
for (const cpu of cpus()) idleMs += cpu.times.idle;
globalThis[Symbol.for('revgap.idleAtStart')] = { idleMs, at: performance.now() };

if (useDist(new URL('../', import.meta.url), process.env)) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
