#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so a fresh clone needs only `npm install`.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { register } from 'tsx/esm/api';

// A full garbage collection between loading the sales and analysing them (see runAnalysis) frees
// the ledger builder's buffers before the analysis allocates its results: ~50 MB less peak memory
// on 100,000 customers, for ~0.1 s. `--expose-gc` set at run time applies to new contexts only.
if (typeof globalThis.gc !== 'function') {
  setFlagsFromString('--expose-gc');
  globalThis.gc = runInNewContext('gc');
}

register();
await import('../src/cli/main.ts');
