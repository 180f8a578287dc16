/**
 * A second revgap process next to a running bot on the embedded (PGlite) store, as the README's
 * "Check" step does it: `revgap serve` runs (a child process, against local-slack), then
 * `revgap digest` asks it to post (the store is the bot's), `revgap customer` reads the data on its
 * own, and a second `revgap serve` is refused with who runs, where, and what to do.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';
import { LOCAL_SLACK_CREDENTIALS } from '../../src/dev/local-slack.ts';
import { type LocalSlackHandle, type StoredMessage, startTestSlack } from '../helpers/local-slack.ts';
import { repliesTo, topLevel } from './_harness.ts';

const ROOT = join(import.meta.dirname, '../..');

const digestParents = (messages: StoredMessage[]) =>
  topLevel(messages).filter((m) => m.text.startsWith('Revenue gaps'));

function captureIo() {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      stderrIsTTY: false,
    },
    out: () => stdout,
    err: () => stderr,
  };
}

function spawnServe(env: Record<string, string>, cwd: string) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/revgap.mjs'), 'serve'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

describe('a second process next to `revgap serve` on the embedded store', () => {
  let slack: LocalSlackHandle;
  let dataDir: string;
  let serve: ReturnType<typeof spawnServe> | undefined;

  const env = (): Record<string, string> => ({
    SLACK_BOT_TOKEN: LOCAL_SLACK_CREDENTIALS.botToken,
    SLACK_APP_TOKEN: LOCAL_SLACK_CREDENTIALS.appToken,
    SLACK_API_URL: slack.apiUrl,
    REVGAP_CHANNEL: '#revenue',
    REVGAP_DATA_DIR: dataDir,
    // Nothing posted by the bot on its own: no catch-up at start, no slot during the test.
    REVGAP_CATCH_UP_HOURS: '0',
    REVGAP_SCHEDULE: '0 9 29 2 *',
    REVGAP_LOG_LEVEL: 'warn',
  });

  beforeAll(async () => {
    slack = await startTestSlack();
    dataDir = mkdtempSync(join(tmpdir(), 'revgap-second-process-'));
    serve = spawnServe(env(), dataDir);
    const deadline = Date.now() + 120_000;
    while (!serve.stderr().includes('revgap is running')) {
      if (Date.now() > deadline || serve.child.exitCode !== null) {
        throw new Error(`revgap serve did not start:\n${serve.stderr()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 150_000);

  afterAll(async () => {
    const child: ChildProcess | undefined = serve?.child;
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await serve?.exited;
    }
    await slack?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('revgap digest asks the running bot, which posts exactly one digest', async () => {
    expect(digestParents(await slack.messages())).toHaveLength(0);
    const first = captureIo();
    expect(await runCli(['digest'], { io: first.io, env: env(), cwd: dataDir, now: new Date() })).toBe(0);
    expect(first.err()).toMatch(/^Asked the running bot \(`revgap serve`, pid \d+, data in .+\) to post\. /);
    expect(first.err()).toMatch(
      /Posted the digest to <#C01REVENUE>: \d+ gap cards in \d+ messages?, report attached/,
    );
    const messages = await slack.waitForMessages((m) => m.some((x) => x.files?.length));
    expect(digestParents(messages)).toHaveLength(1);
    expect(repliesTo(messages, digestParents(messages)[0]!.ts).some((m) => m.files?.length)).toBe(true);

    // Once per period: asked again, the bot posts nothing.
    const again = captureIo();
    expect(await runCli(['digest'], { io: again.io, env: env(), cwd: dataDir, now: new Date() })).toBe(0);
    expect(again.err()).toContain('already posted');
    expect(digestParents(await slack.messages())).toHaveLength(1);
    expect(serve?.child.exitCode).toBeNull();
  }, 60_000);

  it('revgap customer works while the bot runs (it reads the data, not the store)', async () => {
    const run = captureIo();
    const code = await runCli(['customer', 'C0092'], {
      io: run.io,
      env: env(),
      cwd: dataDir,
      now: new Date(),
    });
    expect(run.err()).not.toContain('revgap:');
    expect(code).toBe(0);
    expect(run.out()).toContain('C0092');
  }, 60_000);

  it('a second revgap serve says what runs, where, and what to do (exit 1, not a bug report)', async () => {
    const second = spawnServe(env(), dataDir);
    const code = await second.exited;
    expect(code).toBe(1);
    expect(second.stderr()).toContain(
      `revgap: The embedded state store in ${dataDir} is in use by \`revgap serve\` (pid ${serve?.child.pid}`,
    );
    expect(second.stderr()).toMatch(/kill \d+.*REVGAP_DATA_DIR.*DATABASE_URL/s);
    expect(second.stderr()).not.toContain('This is a bug');
    expect(serve?.child.exitCode).toBeNull();
  }, 60_000);
});
