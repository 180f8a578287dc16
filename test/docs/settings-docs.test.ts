/**
 * The documentation of settings is checked against the one settings definition in src/config.ts
 * (SETTINGS: env names and flags per config path; the zod schema: defaults), issue 13 finding 13-17:
 * - README's settings table: every setting reachable from env or a flag has a row; each row's
 *   environment variable, flags and (literal) default are the code's;
 * - every flag in SETTINGS is accepted by a command (data and analysis flags by `analyze`, the
 *   runtime ones by `serve` and `digest`), and `revgap help config` names every env var and flag;
 * - .env.example loads with the recipe the docs give (`set -a; . ./.env`) into exactly the values
 *   it shows, and those values are a valid configuration.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_FLAGS_HELP, ANALYSIS_OPTIONS } from '../../src/cli/_analysis-flags.ts';
import { COMMANDS } from '../../src/cli/commands.ts';
import { describeSettings, loadConfig, SETTINGS } from '../../src/config.ts';

const ROOT = join(import.meta.dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const envExample = readFileSync(join(ROOT, '.env.example'), 'utf8');

interface Row {
  key: string;
  env: string[];
  flags: string[];
  defaultCell: string;
}

/** The rows of README's settings table (the one with a "Setting | Environment | Flag | Default" header). */
function readmeRows(): Row[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => /^\| Setting \| Environment \| Flag \| Default \|/.test(l));
  expect(start, 'README has the settings table').toBeGreaterThan(0);
  const rows: Row[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((c) => c.trim());
    const code = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    // A row may document several settings: "`data.table` / `data.query`", with its cells split the same way.
    const keys = code(cells[0] ?? '');
    const part = (cell: string, i: number) => {
      const parts = cell.split(' / ');
      return parts.length === keys.length ? (parts[i] ?? '') : cell;
    };
    keys.forEach((key, i) => {
      rows.push({
        key,
        env: code(part(cells[1] ?? '', i)),
        flags: code(part(cells[2] ?? '', i)).map((f) => f.split(' ')[0]!),
        defaultCell: part(cells[3] ?? '', i).trim(),
      });
    });
  }
  return rows;
}

const defaults = loadConfig({
  env: {},
  flags: {},
  cwd: mkdtempSync(join(tmpdir(), 'revgap-docs-')),
}) as unknown as Record<string, unknown>;
function defaultAt(path: readonly string[]): unknown {
  let node: unknown = defaults;
  for (const k of path) node = (node as Record<string, unknown> | undefined)?.[k];
  return node;
}

describe('README settings table against SETTINGS and the schema', () => {
  const rows = readmeRows();
  const byKey = new Map(rows.map((r) => [r.key, r]));

  it('has a row for every setting reachable from the environment or a flag', () => {
    const keys = [...new Set(SETTINGS.map((s) => s.path.join('.')))];
    expect(keys.filter((k) => !byKey.has(k))).toEqual([]);
  });

  it("names each setting's main environment variable and every flag, and nothing else", () => {
    for (const row of rows) {
      const specs = SETTINGS.filter((s) => s.path.join('.') === row.key);
      const env = specs.map((s) => s.env?.[0]).filter((e): e is string => e !== undefined);
      const flags = specs
        .map((s) => s.flag)
        .filter((f): f is string => f !== undefined)
        .map((f) => `--${f}`);
      expect(row.env, `${row.key}: environment`).toEqual(env);
      expect([...row.flags].sort(), `${row.key}: flags`).toEqual([...flags].sort());
    }
  });

  it('gives the code default where it writes a literal one', () => {
    for (const row of rows) {
      const literal =
        /^`([^`]*)`$/.exec(row.defaultCell)?.[1] ??
        (/^-?\d+(\.\d+)?$/.test(row.defaultCell) ? row.defaultCell : undefined);
      if (literal === undefined) continue;
      const value = defaultAt(row.key.split('.'));
      const shown = row.key === 'dataDir' ? './.revgap' : String(value);
      expect(literal, `${row.key}: default`).toBe(row.key === 'dataDir' ? shown : String(value));
      if (row.key === 'dataDir') expect(String(value).endsWith('.revgap')).toBe(true);
    }
  });

  it('says "none" (or a description) only for settings with no default value', () => {
    for (const row of rows) {
      if (/^none\b/.test(row.defaultCell)) expect(defaultAt(row.key.split('.')), row.key).toBeUndefined();
    }
  });
});

describe('flags and help against SETTINGS', () => {
  const loaded = new Map<string, Record<string, unknown>>();
  const optionsOf = (name: string) => loaded.get(name) ?? {};

  it('every flag is accepted: data and analysis flags by analyze, runtime flags by serve and digest', async () => {
    for (const entry of COMMANDS) loaded.set(entry.name, (await entry.load()).options);
    for (const spec of SETTINGS) {
      if (!spec.flag) continue;
      const area = spec.path[0];
      const commands = area === 'data' || area === 'analysis' ? ['analyze', 'serve', 'digest'] : ['serve'];
      if (spec.path[0] === 'dataDir' || spec.path[0] === 'logLevel') commands.push('digest');
      for (const name of commands)
        expect(Object.keys(optionsOf(name)), `${name} --${spec.flag}`).toContain(spec.flag);
    }
  });

  it("the analysing commands' help text describes exactly the flags they take", () => {
    const described = new Set([...ANALYSIS_FLAGS_HELP.matchAll(/--([a-z-]+)/g)].map((m) => m[1]!));
    expect(Object.keys(ANALYSIS_OPTIONS).filter((f) => !described.has(f))).toEqual([]);
    expect([...described].filter((f) => !(f in ANALYSIS_OPTIONS))).toEqual([]);
  });

  it('revgap help config names every environment variable and flag', () => {
    const help = describeSettings().join('\n');
    for (const spec of SETTINGS) {
      for (const env of spec.env ?? []) expect(help).toContain(env);
      if (spec.flag) expect(help).toContain(`--${spec.flag}`);
    }
  });
});

describe('.env.example loads as the docs say (finding 15)', () => {
  it('set -a; . ./.env gives exactly the values shown, and they are a valid configuration', () => {
    // Every line as a user would enable it: commented settings uncommented.
    const enabled = envExample.replace(/^# ([A-Z][A-Z0-9_]+=)/gm, '$1');
    const dir = mkdtempSync(join(tmpdir(), 'revgap-env-'));
    writeFileSync(join(dir, '.env'), enabled);
    const names = [...enabled.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    const script = `set -a; . ./.env; set +a; ${names.map((n) => `printf '%s\\0' "$${n}"`).join('; ')}`;
    const out = execFileSync('bash', ['-c', script], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    const loaded = out.split('\0').slice(0, names.length);
    const shown = [...enabled.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) =>
      m[2]!.replace(/^'(.*)'$/, '$1'),
    );
    expect(loaded).toEqual(shown);
    expect(loaded).toContain('0 9 * * 1');
    expect(loaded).toContain('customer_id=Account,date=Order Date,amount=Net');
    expect(loaded).toContain(';');
    const env: Record<string, string> = {};
    names.forEach((n, i) => {
      if (loaded[i]) env[n] = loaded[i]!;
    });
    // A file that loads but is not valid would fail here, naming the setting.
    expect(() => loadConfig({ env: { ...env, REVGAP_CONFIG: '' }, cwd: dir })).not.toThrow();
  });
});
