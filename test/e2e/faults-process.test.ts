/**
 * The bot as a real process, stopped in the middle of a digest: killed outright (SIGKILL) or asked
 * to stop (SIGTERM). Either way a restarted bot finishes the same digest, and the channel ends up
 * with exactly one complete digest: one parent message, each thread part once, one report file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createStateStore } from '../../src/store/create-state-store.ts';
import { hang } from '../helpers/fault-proxy.ts';
import type { StoredMessage } from '../helpers/local-slack.ts';
import { type FaultStack, postgresReachable, startFaultStack } from './_fault-stack.ts';

const hasPostgres = await postgresReachable();
const BOT = fileURLToPath(new URL('./_bot-process.ts', import.meta.url));
const SLOT = Date.parse('2026-11-23T09:00:00Z');

interface BotProcess {
  child: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startBotProcess(env: Record<string, string>, clockStart: number): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', BOT], {
    env: { ...process.env, ...env, E2E_CLOCK_START: new Date(clockStart).toISOString() },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const lines: string[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l.trim() !== ''));
  });
  child.stderr?.on('data', (chunk: Buffer) => lines.push(`stderr: ${chunk.toString('utf8')}`));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    // 60 s: a first start on an embedded store on disk runs initdb, 15 s and more on a loaded machine.
    const deadline = setTimeout(() => reject(new Error(`bot did not start:\n${lines.join('\n')}`)), 60_000);
    const poll = setInterval(() => {
      if (lines.some((l) => l.includes('"e2e bot ready"'))) {
        clearTimeout(deadline);
        clearInterval(poll);
        resolve({ child, lines, exited });
      }
    }, 25);
    void exited.then(() => {
      clearInterval(poll);
      clearTimeout(deadline);
      reject(new Error(`bot exited during start-up:\n${lines.join('\n')}`));
    });
  });
}

const digestParents = (messages: StoredMessage[]) =>
  messages.filter((m) => !m.thread_ts && !m.ephemeral_to && m.text.startsWith('Revenue gaps'));

async function expectOneCompleteDigest(
  stack: FaultStack,
  options: { pglite?: { dataDir: string }; interrupted?: number } = {},
): Promise<void> {
  const messages = await stack.slack.messages();
  const parents = digestParents(messages);
  expect(parents).toHaveLength(1);
  const thread = messages.filter((m) => m.thread_ts === parents[0]?.ts);
  // No thread part was posted twice.
  const texts = thread.map((m) => m.text);
  expect(new Set(texts).size).toBe(texts.length);
  expect(thread.flatMap((m) => m.files ?? [])).toHaveLength(1);
  const store = createStateStore(options.pglite ?? { databaseUrl: stack.databaseUrl, dataDir: 'unused' });
  try {
    const runs = await store.listDigestRuns();
    expect(runs.map((r) => [r.status, r.fileId !== null])).toEqual([['completed', true]]);
    expect(runs[0]?.attempts).toBe(options.interrupted ?? 1);
  } finally {
    await store.close();
  }
}

function expectNoSecretIn(lines: string[], stack: FaultStack): void {
  const text = lines.join('\n');
  for (const secret of stack.secrets()) expect(text).not.toContain(secret);
}

describe.skipIf(!hasPostgres)('the bot process stopped mid-digest', () => {
  let stack: FaultStack | null = null;
  const bots: BotProcess[] = [];
  afterEach(async () => {
    for (const bot of bots.splice(0)) {
      if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
      await bot.exited;
    }
    await stack?.close();
    stack = null;
  });

  /** Starts a bot whose clock is just before the slot, then runs the slot with the upload hung. */
  async function startDigestThatHangs(s: FaultStack): Promise<BotProcess> {
    // An hour before the slot: start-up finds nothing to post, however long it takes.
    const bot = await startBotProcess(s.env, SLOT - 3_600_000);
    bots.push(bot);
    expect(s.proxy.callsTo('files.getUploadURLExternal')).toEqual([]);
    // All messages go out; the report upload then hangs: the bot is mid-digest.
    s.proxy.inject('files.getUploadURLExternal', hang);
    bot.child.send({ clock: new Date(SLOT + 1000).toISOString() });
    bot.child.send('check');
    await s.proxy.waitForCalls('files.getUploadURLExternal', 1, 15_000);
    expect(digestParents(await s.slack.messages())).toHaveLength(1);
    return bot;
  }

  it('two bot processes on one Postgres post the slot once', async () => {
    stack = await startFaultStack();
    const [a, b] = await Promise.all([
      startBotProcess(stack.env, SLOT - 3_600_000),
      startBotProcess(stack.env, SLOT - 3_600_000),
    ]);
    if (!a || !b) throw new Error('bots did not start');
    bots.push(a, b);
    for (const bot of [a, b]) bot.child.send({ clock: new Date(SLOT + 1000).toISOString() });
    a.child.send('check');
    b.child.send('check');
    // Whoever lost the race looks again (as at its next tick) and finds the run completed.
    await stack.proxy.waitForCalls('files.completeUploadExternal', 1, 15_000);
    await new Promise((r) => setTimeout(r, 500));
    a.child.send('check');
    b.child.send('check');
    await new Promise((r) => setTimeout(r, 1000));
    await expectOneCompleteDigest(stack, { interrupted: 0 });
    const runners = [a, b].filter((bot) => bot.lines.some((l) => l.includes('"posting the digest"')));
    expect(runners).toHaveLength(1);
  });

  it('killed with SIGKILL: the restarted bot finishes the same digest, posting nothing twice', async () => {
    stack = await startFaultStack();
    const bot = await startDigestThatHangs(stack);
    const postedBeforeKill = stack.proxy.callsTo('chat.postMessage').length;
    bot.child.kill('SIGKILL');
    await bot.exited;

    const restarted = await startBotProcess(stack.env, SLOT + 60_000);
    bots.push(restarted);
    await expectOneCompleteDigest(stack);
    // The restart posted no message again: only the upload was redone.
    expect(stack.proxy.callsTo('chat.postMessage').length).toBe(postedBeforeKill);
    expect(restarted.lines.some((l) => l.includes('resuming an interrupted digest run'))).toBe(true);
    expectNoSecretIn([...bot.lines, ...restarted.lines], stack);
  });

  it('killed with SIGKILL on the default PGlite store: the restart takes over the lock and finishes once', async () => {
    stack = await startFaultStack();
    const dataDir = mkdtempSync(join(tmpdir(), 'revgap-e2e-pglite-'));
    const { DATABASE_URL: _unused, ...withoutServer } = stack.env;
    stack.env = { ...withoutServer, REVGAP_DATA_DIR: dataDir };
    try {
      const bot = await startDigestThatHangs(stack);
      bot.child.kill('SIGKILL');
      await bot.exited;

      const restarted = await startBotProcess(stack.env, SLOT + 60_000);
      bots.push(restarted);
      // PGlite is single-process: stop the bot before the test opens its data directory.
      restarted.child.kill('SIGTERM');
      await restarted.exited;
      await expectOneCompleteDigest(stack, { pglite: { dataDir } });
      expectNoSecretIn([...bot.lines, ...restarted.lines], stack);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('asked to stop with SIGTERM: exits within 10 s, and the restarted bot finishes the digest', async () => {
    stack = await startFaultStack();
    const bot = await startDigestThatHangs(stack);
    const asked = Date.now();
    bot.child.kill('SIGTERM');
    const exit = await bot.exited;
    const tookMs = Date.now() - asked;
    expect(tookMs).toBeLessThan(10_000);
    expect(exit.signal).toBeNull();
    expect(bot.lines.some((l) => l.includes('shutdown complete'))).toBe(true);

    const restarted = await startBotProcess(stack.env, SLOT + 60_000);
    bots.push(restarted);
    await expectOneCompleteDigest(stack);
    expectNoSecretIn([...bot.lines, ...restarted.lines], stack);
  }, 120_000);
});
