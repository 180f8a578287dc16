#!/usr/bin/env node
/**
 * `npm run build`: compiles src/ to plain JavaScript in dist/ (same layout), so `bin/revgap.mjs`
 * can start without the tsx loader: ~35 MB less memory and ~0.3 s less start-up per run. Optional:
 * without dist/ (a fresh clone after `npm install`), the launcher runs src/ through tsx, and it does
 * so too whenever a file in src/ is newer than the build, so a stale dist/ is never used.
 *
 * Steps: `tsc -p tsconfig.build.json` (rewriteRelativeImportExtensions turns `./x.ts` imports into
 * `./x.js`; type errors are reported but do not stop the emit: `npm run typecheck` is the gate),
 * then the modules that name a `.ts` file at run time (by URL, not by import) are pointed at the
 * `.js` file, non-TypeScript files (SQL migrations) are copied, and dist/BUILD.json is written last.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');

/**
 * Run-time references to `.ts` files that tsc does not rewrite (URLs built for `import()` or a
 * worker; `import('./x.ts')` is rewritten by tsc and needs nothing here). Each must match exactly once: if its source changes, the build fails rather than ship a
 * dist/ that cannot find a module.
 */
const URL_PATCHES = [
  {
    file: 'sources/csv/_read-sales-in-worker.js',
    from: "new URL('./_sales-csv-worker.ts', import.meta.url)",
    to: "new URL('./_sales-csv-worker.js', import.meta.url)",
  },
  {
    file: 'analysis-in-worker.js',
    from: "new URL('./_analysis-worker.ts', import.meta.url)",
    to: "new URL('./_analysis-worker.js', import.meta.url)",
  },
];

function walk(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(path));
    else files.push(path);
  }
  return files;
}

const started = performance.now();
// Files in src/ changed after this moment make the build stale (see bin/revgap.mjs), including
// edits made while tsc runs.
const startedAt = Date.now();
rmSync(DIST, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], {
  cwd: ROOT,
  encoding: 'utf8',
});
if (compiled.error) throw compiled.error;
const errors = (compiled.stdout.match(/error TS\d+/g) ?? []).length;
if (compiled.status !== 0 && errors === 0) {
  process.stderr.write(compiled.stdout + compiled.stderr);
  throw new Error(`tsc failed (exit ${compiled.status})`);
}
if (errors > 0) {
  process.stderr.write(
    `build: tsc reported ${errors} type error(s); emitted anyway (run npm run typecheck)\n`,
  );
}

const sources = walk(SRC);
for (const path of sources) {
  if (!path.endsWith('.ts')) continue;
  const out = join(DIST, relative(SRC, path)).replace(/\.ts$/, '.js');
  statSync(out); // throws if tsc skipped a file
}
for (const patch of URL_PATCHES) {
  const path = join(DIST, patch.file);
  const text = readFileSync(path, 'utf8');
  const count = text.split(patch.from).length - 1;
  if (count !== 1) {
    throw new Error(
      `build: expected "${patch.from}" once in dist/${patch.file}, found it ${count} times; update scripts/build.mjs`,
    );
  }
  writeFileSync(path, text.replace(patch.from, patch.to));
}
for (const path of sources) {
  if (path.endsWith('.ts')) continue;
  cpSync(path, join(DIST, relative(SRC, path)));
}
// Written last: the launcher uses dist/ only when this exists and nothing in src/ changed after
// `startedAt` (ms since the epoch).
writeFileSync(
  join(DIST, 'BUILD.json'),
  `${JSON.stringify({ startedAt, builtAt: new Date().toISOString(), files: sources.length }, null, 2)}\n`,
);
process.stderr.write(
  `build: dist/ from ${sources.length} files in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
