import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module without type declarations
import { useDist } from '../../bin/_dist.mjs';

const choose = useDist as (root: URL, env: Record<string, string | undefined>) => boolean;

/** A package folder with src/core/a.ts (and src/core/ itself) last changed at `srcTime` (seconds). */
function fakePackage(srcTime: number, build?: { startedAt: unknown }): URL {
  const root = mkdtempSync(join(tmpdir(), 'revgap-dist-'));
  mkdirSync(join(root, 'src', 'core'), { recursive: true });
  writeFileSync(join(root, 'src', 'core', 'a.ts'), 'export {};\n');
  for (const path of [join(root, 'src', 'core', 'a.ts'), join(root, 'src', 'core'), join(root, 'src')]) {
    utimesSync(path, srcTime, srcTime);
  }
  if (build) {
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'BUILD.json'), JSON.stringify(build));
  }
  return pathToFileURL(`${root}/`);
}

const T = 1_800_000_000; // seconds

describe('useDist (which code bin/revgap.mjs starts)', () => {
  it('runs the sources when there is no build', () => {
    expect(choose(fakePackage(T), {})).toBe(false);
    expect(choose(fakePackage(T), { REVGAP_DIST: '1' })).toBe(false);
  });

  it('uses a build that started after every change in src/', () => {
    expect(choose(fakePackage(T, { startedAt: (T + 1) * 1000 }), {})).toBe(true);
  });

  it('ignores a build when a file in src/ changed after it started', () => {
    expect(choose(fakePackage(T, { startedAt: (T - 1) * 1000 }), {})).toBe(false);
  });

  it('ignores a build whose stamp has no start time', () => {
    expect(choose(fakePackage(T, { startedAt: 'yesterday' }), {})).toBe(false);
  });

  it('follows REVGAP_DIST=0 and REVGAP_DIST=1 over the freshness check', () => {
    expect(choose(fakePackage(T, { startedAt: (T + 1) * 1000 }), { REVGAP_DIST: '0' })).toBe(false);
    expect(choose(fakePackage(T, { startedAt: (T - 1) * 1000 }), { REVGAP_DIST: '1' })).toBe(true);
  });
});
