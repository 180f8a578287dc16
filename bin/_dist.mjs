// Whether bin/revgap.mjs should start from dist/ (see `npm run build`, scripts/build.mjs).
import { readdirSync, readFileSync, statSync } from 'node:fs';

/** True when any file or folder under `dir` (a file: URL ending in /) changed after `time` (ms). */
function changedSince(dir, time) {
  if (statSync(dir).mtimeMs > time) return true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    if (entry.isDirectory() ? changedSince(path, time) : statSync(path).mtimeMs > time) return true;
  }
  return false;
}

/**
 * dist/ is used when `root/dist/BUILD.json` exists and nothing in `root/src/` changed after the
 * build started (about 1 ms for src/), so a stale build is never run. `REVGAP_DIST=0` forces the
 * sources; `REVGAP_DIST=1` uses dist/ whenever it exists (the benchmark, right after building).
 * @param {URL} root the package folder, ending in /
 * @param {Record<string, string | undefined>} env
 * @returns {boolean}
 */
export function useDist(root, env) {
  if (env.REVGAP_DIST === '0') return false;
  try {
    const stamp = new URL('dist/BUILD.json', root);
    if (env.REVGAP_DIST === '1') return statSync(stamp).isFile();
    const { startedAt } = JSON.parse(readFileSync(stamp, 'utf8'));
    return typeof startedAt === 'number' && !changedSince(new URL('src/', root), startedAt);
  } catch {
    return false; // no build, or an unreadable one
  }
}
