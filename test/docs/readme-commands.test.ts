/**
 * Every `npx revgap ...` command shown in a README code block is run here, as a user would run it
 * from a fresh directory (issue 13: "every command shown in the README run by a test"): the sample
 * written with `revgap sample` stands in for the user's `sales.csv` / `customers.csv`, and
 * `test/fixtures/...` paths resolve to this repository. Each must exit 0 with output. The one that
 * needs a Postgres server with the user's tables is checked for its flags only. The `npm` lines
 * are the suite itself (`npm test`, `lint`, `typecheck`), the benchmark, or `npm start`, which
 * test/e2e/startup.test.ts runs.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'revgap.mjs');
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(REVGAP_|SLACK_|DATABASE_URL$|PORT$)/.test(k)),
);

/** `npx revgap` lines of the README's fenced code blocks, without comments. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const out: string[] = [];
  let inBlock = false;
  for (const line of readme.split('\n')) {
    if (line.startsWith('```')) {
      inBlock = !inBlock;
      continue;
    }
    if (inBlock && line.trim().startsWith('npx revgap ')) out.push(line.trim().replace(/\s+#.*$/, ''));
  }
  return out;
}

function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: ENV, maxBuffer: 64 << 20 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('the commands shown in the README', () => {
  const commands = readmeCommands();

  it('finds them', () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
  });

  it('each runs from a fresh directory and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'revgap-readme-'));
    symlinkSync(join(ROOT, 'test'), join(dir, 'test'));
    // The user's own files in the examples: the sample stands in for them.
    expect((await run(['sample', '--out', '.'], dir)).code).toBe(0);
    const runnable = commands.filter((c) => !c.includes('postgres://'));
    const check = async (command: string) => {
      const [line, redirect] = command.split(/\s+>\s+/);
      const args = (line ?? '').split(/\s+/).slice(2);
      const result = await run(args, dir);
      expect(result.code, `${command}\n${result.stderr}`).toBe(0);
      const out = args.indexOf('--out');
      if (out >= 0) expect(statSync(join(dir, args[out + 1]!)).size, command).toBeGreaterThan(0);
      else if (redirect === undefined || args[0] !== 'sample')
        expect(result.stdout.length, command).toBeGreaterThan(0);
    };
    // The sample lines first (later lines read what they write), then the rest side by side.
    for (const command of runnable.filter((c) => c.includes('sample --out'))) await check(command);
    await Promise.all(runnable.filter((c) => !c.includes('sample --out')).map(check));
    expect(existsSync(join(dir, 'demo', 'sales.csv'))).toBe(true);
  }, 180_000);

  it('the Postgres example uses only flags analyze accepts', async () => {
    const postgres = commands.filter((c) => c.includes('postgres://'));
    const analyze = await COMMANDS.find((c) => c.name === 'analyze')!.load();
    for (const command of postgres) {
      for (const flag of command.match(/--[a-z-]+/g) ?? [])
        expect(Object.keys(analyze.options), command).toContain(flag.slice(2));
    }
  });
});
