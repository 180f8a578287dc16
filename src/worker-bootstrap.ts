/**
 * Starting a worker thread on one of our modules, from the TypeScript sources (through tsx) or from
 * dist/ (plain JavaScript). Shared by the CSV readers' workers and the evidence worker.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * URL of tsx's ESM loader API. `import.meta.resolve` where the runtime has it (Node); otherwise (a
 * test runner's module system) from tsx's package.json, never the CommonJS build, whose
 * `register()` fails inside a worker.
 */
function resolveTsxEsmApi(): string {
  if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const entry = manifest.exports['./esm/api']?.import.default ?? './dist/esm/api/index.mjs';
  return pathToFileURL(join(dirname(manifestPath), entry)).href;
}

/**
 * The source of a worker (for `new Worker(source, { eval: true })`) that imports `entry`: tsx's
 * loader is registered first when `entry` is TypeScript. From dist/ (the build points the entry at
 * the `.js` file, scripts/build.mjs URL_PATCHES) the worker imports plain JavaScript and skips tsx:
 * its loader costs each worker ~0.2 CPU-s and a loader thread. A failure to load is posted as
 * `{ type: 'boot-error', message }`.
 */
export function workerBootstrapSource(entry: string): string {
  const load = entry.endsWith('.js')
    ? `import(${JSON.stringify(entry)})`
    : `import(${JSON.stringify(resolveTsxEsmApi())}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
  return `
    const { parentPort } = require('node:worker_threads');
    ${load}
      .catch((error) => parentPort.postMessage({ type: 'boot-error', message: String((error && error.stack) || error) }));
  `;
}
