/**
 * `.env` read at start by `revgap serve` and `revgap digest` (issue 10): settings from the file
 * apply, the real environment wins, a missing default `.env` is fine, a missing `--env-file` is
 * named. Driven through the real command (`revgap digest`), whose config errors show which values
 * it saw.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/cli/_context.ts';
import { withDotEnv } from '../../src/cli/_dotenv.ts';
import { ConfigError } from '../../src/errors.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(dotEnv?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'revgap-dotenv-'));
  dirs.push(dir);
  if (dotEnv !== undefined) writeFileSync(join(dir, '.env'), dotEnv);
  return dir;
}

function contextIn(
  cwd: string,
  env: Record<string, string>,
  values: CommandContext['values'] = {},
): CommandContext {
  const io = { stdout: { write: () => true }, stderr: { write: () => true }, stderrIsTTY: false };
  return { values, positionals: [], io, env, cwd, now: new Date('2026-11-24T10:00:00Z') };
}

const run = (cwd: string, env: Record<string, string>, ...argv: string[]) =>
  runCliCaptured(argv, { cwd, env, now: new Date('2026-11-24T10:00:00Z') });

describe('withDotEnv', () => {
  it("applies the file's values under the real environment, which wins", () => {
    const dir = tempDir(
      "# settings\nREVGAP_CHANNEL='#sales team'\nexport REVGAP_TOP=7\nSLACK_BOT_TOKEN=xoxb-file\n",
    );
    const { context, read } = withDotEnv(contextIn(dir, { SLACK_BOT_TOKEN: 'xoxb-shell' }));
    expect(context.env.REVGAP_CHANNEL).toBe('#sales team');
    expect(context.env.REVGAP_TOP).toBe('7');
    expect(context.env.SLACK_BOT_TOKEN).toBe('xoxb-shell');
    expect(read).toEqual({
      file: join(dir, '.env'),
      applied: ['REVGAP_CHANNEL', 'REVGAP_TOP'],
      overridden: ['SLACK_BOT_TOKEN'],
    });
  });

  it('reads nothing when there is no .env and no --env-file', () => {
    const given = contextIn(tempDir(), { A: '1' });
    const { context, read } = withDotEnv(given);
    expect(read).toBeNull();
    expect(context).toBe(given);
  });

  it('names a missing --env-file and how to fix it', () => {
    const dir = tempDir();
    let error: unknown;
    try {
      withDotEnv(contextIn(dir, {}, { 'env-file': 'prod.env' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.join('\n')).toContain(
      `cannot read ${join(dir, 'prod.env')} (ENOENT)`,
    );
    expect((error as ConfigError).hint).toContain('.env.example');
  });
});

describe('revgap digest reads .env at start', () => {
  it('uses a setting from .env and says which file it read (names only, no values)', async () => {
    const dir = tempDir("SLACK_BOT_TOKEN='xoxb-secret-from-file'\nREVGAP_TOP=zero\n");
    const r = await run(dir, {}, 'digest');
    expect(r.code).toBe(2);
    // The bad value came from the file: the config error names its variable.
    expect(r.stderr).toContain('REVGAP_TOP');
    expect(r.stderr).toContain(`Read 2 settings from ${join(dir, '.env')}.`);
    expect(r.stderr).not.toContain('xoxb-secret-from-file');
  });

  it('lets the environment win over .env', async () => {
    const dir = tempDir('REVGAP_TOP=zero\n');
    const r = await run(dir, { REVGAP_TOP: 'also-bad' }, 'digest');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kept from the environment: REVGAP_TOP');
    expect(r.stderr).toContain('also-bad');
    expect(r.stderr).not.toContain('"zero"');
  });

  it('without .env and without a token, still says SLACK_BOT_TOKEN is not set', async () => {
    const r = await run(tempDir(), {}, 'digest');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SLACK_BOT_TOKEN is not set');
    expect(r.stderr).not.toContain('Read ');
  });
});
