#!/usr/bin/env node
// Starts revgap from dist/ (plain JavaScript, built by `npm run build`) when that build is present
// and nothing in src/ changed since it started; otherwise runs the TypeScript sources through tsx's loader, so
// a fresh clone needs only `npm install`. REVGAP_DIST=0 forces the sources; REVGAP_DIST=1 uses
// dist/ whenever it exists, fresh or not (the benchmark, which builds just before it runs).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const root = new URL('../', import.meta.url);

/** True when any file or folder under `dir` changed after `time` (ms). About 1 ms for src/. */
function changedSince(dir, time) {
  if (statSync(dir).mtimeMs > time) return true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    if (entry.isDirectory() ? changedSince(path, time) : statSync(path).mtimeMs > time) return true;
  }
  return false;
}

function freshBuild() {
  if (process.env.REVGAP_DIST === '0') return false;
  try {
    if (process.env.REVGAP_DIST === '1') return statSync(new URL('dist/BUILD.json', root)).isFile();
    const { startedAt } = JSON.parse(readFileSync(new URL('dist/BUILD.json', root), 'utf8'));
    return typeof startedAt === 'number' && !changedSince(new URL('src/', root), startedAt);
  } catch {
    return false; // no build
  }
}

// A full garbage collection between loading the sales and analysing them (see runAnalysis) frees
// the ledger builder's buffers before the analysis allocates its results: ~50 MB less peak memory
// on 100,000 customers, for ~0.1 s. `--expose-gc` set at run time applies to new contexts only.
if (typeof globalThis.gc !== 'function') {
  setFlagsFromString('--expose-gc');
  globalThis.gc = runInNewContext('gc');
}

if (freshBuild()) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
