/**
 * The two Slack commands of the CLI: `revgap digest` posting to a local Slack (in process), and
 * `npm start` (= `revgap serve`) without tokens: the demo with its own local Slack and a first
 * digest, stopped with SIGTERM (a child process, as a user runs it).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';
import { LOCAL_SLACK_CREDENTIALS } from '../../src/dev/local-slack.ts';
import { type LocalSlackHandle, type StoredMessage, startTestSlack } from '../helpers/local-slack.ts';
import { repliesTo, topLevel } from './_harness.ts';

const ROOT = join(import.meta.dirname, '../..');

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

describe('revgap digest', () => {
  let slack: LocalSlackHandle;
  let dataDir: string;

  beforeAll(async () => {
    slack = await startTestSlack();
    dataDir = mkdtempSync(join(tmpdir(), 'revgap-cli-digest-'));
  }, 30_000);

  afterAll(async () => {
    await slack?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const env = () => ({
    SLACK_BOT_TOKEN: LOCAL_SLACK_CREDENTIALS.botToken,
    SLACK_API_URL: slack.apiUrl,
    REVGAP_CHANNEL: '#revenue',
    REVGAP_DATA_DIR: dataDir,
    REVGAP_LOG_LEVEL: 'silent',
  });
  const now = new Date('2026-11-24T08:00:00.000Z');

  it('posts the digest of the bundled sample with its report, once per week unless forced', async () => {
    const first = captureIo();
    expect(await runCli(['digest'], { io: first.io, env: env(), cwd: dataDir, now })).toBe(0);
    expect(first.err()).toMatch(
      /^Posted the digest to <#C01REVENUE>: 20 gap cards in \d+ messages?, report attached/m,
    );
    const messages = await slack.waitForMessages((m) => m.some((x) => x.files?.length));
    const parent = topLevel(messages)[0]!;
    expect(parent.text).toMatch(/^Revenue gaps, week of Mon 16 Nov 2026 \(to 22 Nov\): /);
    // The compact parent: one screen, the 20 cards in its thread.
    expect(parent.blocks?.length).toBeLessThanOrEqual(20);
    expect(
      repliesTo(messages, parent.ts).some(
        (x: StoredMessage) => x.files?.[0]?.name === 'revgap-report-week-of-2026-11-16.md',
      ),
    ).toBe(true);

    const again = captureIo();
    expect(await runCli(['digest'], { io: again.io, env: env(), cwd: dataDir, now })).toBe(0);
    expect(again.err()).toContain('already posted');
    expect(topLevel(await slack.messages())).toHaveLength(1);

    const forced = captureIo();
    expect(await runCli(['digest', '--force'], { io: forced.io, env: env(), cwd: dataDir, now })).toBe(0);
    expect(topLevel(await slack.waitForMessages((m) => topLevel(m).length === 2))).toHaveLength(2);
    // Three runs on an embedded store on disk: its first open (initdb) alone takes 15 s and more on a
    // loaded 2-core machine.
  }, 90_000);

  it('says what to set when there is no bot token (exit 2)', async () => {
    const run = captureIo();
    expect(
      await runCli(['digest'], { io: run.io, env: { REVGAP_LOG_LEVEL: 'silent' }, cwd: dataDir, now }),
    ).toBe(2);
    expect(run.err()).toContain('SLACK_BOT_TOKEN');
    expect(run.err()).toContain('npm start');
  });
});

describe('npm start without Slack tokens', () => {
  it('starts the demo: a local Slack with the first digest, and stops cleanly on SIGTERM', async () => {
    const demoDir = mkdtempSync(join(tmpdir(), 'revgap-demo-'));
    const child = spawn(process.execPath, [join(ROOT, 'bin/revgap.mjs'), 'serve'], {
      cwd: demoDir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 45_000;
      while (!/Open (http:\/\/localhost:\d+)/.test(stderr)) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`demo did not start:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const url = /Open (http:\/\/localhost:\d+)/.exec(stderr)![1]!;
      expect(stderr).toContain('alice, bob, carol, dan, erin');
      const { messages } = (await (await fetch(`${url}/_control/messages/C01REVENUE`)).json()) as {
        messages: StoredMessage[];
      };
      // One digest, not late (no start-up catch-up on top of the demo's first digest).
      expect(topLevel(messages)).toHaveLength(1);
      const parent = topLevel(messages)[0]!;
      expect(parent.text).toMatch(/^Revenue gaps, week of /);
      expect(JSON.stringify(parent.blocks)).not.toContain('Late:');
      expect(repliesTo(messages, parent.ts).some((m) => m.files?.length)).toBe(true);
      // The sample's account managers are workspace users: cards mention them.
      expect(JSON.stringify(parent.blocks)).toMatch(/owner <@U01(ALICE|BOB|CAROL|DAN|ERIN)>/);

      // `npx revgap digest` in another terminal, without tokens: the demo posts another digest.
      const asked = captureIo();
      expect(
        await runCli(['digest'], {
          io: asked.io,
          env: { REVGAP_LOG_LEVEL: 'silent' },
          cwd: demoDir,
          now: new Date(),
        }),
      ).toBe(0);
      expect(asked.err()).toMatch(/^Asked the running bot \(`revgap serve \(demo\)`, pid \d+/);
      const after = (await (await fetch(`${url}/_control/messages/C01REVENUE`)).json()) as {
        messages: StoredMessage[];
      };
      expect(topLevel(after.messages)).toHaveLength(2);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // local-slack went down with it.
      await expect(fetch(`${url}/_control/state`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
