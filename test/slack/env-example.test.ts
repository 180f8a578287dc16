import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, SETTINGS } from '../../src/config.ts';

const example = readFileSync(join(import.meta.dirname, '../../.env.example'), 'utf8');
/** Variables set or shown (commented out) in .env.example. */
const listed = new Set([...example.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));

describe('.env.example', () => {
  it('lists every setting the environment can set (by its main name)', () => {
    const main = SETTINGS.map((s) => s.env?.[0]).filter((name): name is string => name !== undefined);
    expect(main.filter((name) => !listed.has(name))).toEqual([]);
  });

  it('lists nothing the config does not read', () => {
    const known = new Set([...SETTINGS.flatMap((s) => s.env ?? []), 'REVGAP_CONFIG']);
    expect([...listed].filter((name) => !known.has(name))).toEqual([]);
  });

  it('explains every variable with a comment line above it', () => {
    const lines = example.split('\n');
    lines.forEach((line, i) => {
      if (/^#?\s?[A-Z][A-Z0-9_]+=/.test(line)) {
        const above = lines
          .slice(Math.max(0, i - 3), i)
          .filter((l) => /^# [A-Za-z(]/.test(l) && !/^# ?[A-Z_]+=/.test(l));
        expect(above.length, `no comment above ${line}`).toBeGreaterThan(0);
      }
    });
  });

  it('is a valid configuration as shipped (all values uncommented are accepted)', () => {
    const env: Record<string, string> = {};
    for (const m of example.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)) if (m[2]) env[m[1]!] = m[2];
    expect(() => loadConfig({ env, cwd: '/nonexistent-dir' })).not.toThrow();
  });
});
