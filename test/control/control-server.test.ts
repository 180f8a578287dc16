/**
 * The control endpoint in process: the file it writes (readable by its user only), the token it
 * demands, the digest request it forwards, and the clean-up on close.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  askBotToPostDigest,
  controlFileOf,
  findRunningBot,
  readControlFile,
} from '../../src/control/control-client.ts';
import { startControlServer } from '../../src/control/control-server.ts';
import { createLogger } from '../../src/logger.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'revgap-control-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('control endpoint', () => {
  it('forwards a digest request with the right token only, and removes its file on close', async () => {
    const dataDir = tempDir();
    const asked: boolean[] = [];
    const server = await startControlServer({
      dataDir,
      command: 'revgap serve',
      logger: createLogger({ level: 'silent' }),
      postDigest: async ({ force }) => {
        asked.push(force);
        return { status: 'posted', channel: 'C01REVENUE', runId: 'run-1', parts: 2, cards: 20, fileId: 'F1' };
      },
    });
    try {
      expect(statSync(controlFileOf(dataDir)).mode & 0o777).toBe(0o600);
      const bot = findRunningBot(dataDir);
      expect(bot).toMatchObject({
        pid: process.pid,
        host: hostname(),
        command: 'revgap serve',
        url: server.url,
      });

      const wrong = await fetch(`${server.url}/digest`, {
        method: 'POST',
        headers: { authorization: 'Bearer not-the-token' },
        body: '{"force":true}',
      });
      expect(wrong.status).toBe(401);
      expect(asked).toEqual([]);

      expect(await askBotToPostDigest(bot!, { force: true })).toEqual({
        status: 'posted',
        channel: 'C01REVENUE',
        runId: 'run-1',
        parts: 2,
        cards: 20,
        fileId: 'F1',
      });
      expect(asked).toEqual([true]);
    } finally {
      await server.close();
    }
    expect(existsSync(controlFileOf(dataDir))).toBe(false);
  });

  it('reports a failed post with the bot’s reason, not as a bug', async () => {
    const dataDir = tempDir();
    const server = await startControlServer({
      dataDir,
      command: 'revgap serve',
      logger: createLogger({ level: 'silent' }),
      postDigest: async () => {
        throw new Error('channel_not_found');
      },
    });
    try {
      await expect(askBotToPostDigest(findRunningBot(dataDir)!, { force: false })).rejects.toMatchObject({
        code: 'SLACK_API',
        message: expect.stringContaining('could not post the digest: channel_not_found'),
      });
    } finally {
      await server.close();
    }
  });

  it('ignores a control file left by a process that died', () => {
    const dataDir = tempDir();
    const file = {
      pid: 4194305,
      host: hostname(),
      command: 'revgap serve',
      url: 'http://127.0.0.1:1',
      token: 't',
      since: '',
    };
    writeFileSync(controlFileOf(dataDir), JSON.stringify(file));
    expect(readControlFile(dataDir)).toEqual(file);
    expect(findRunningBot(dataDir)).toBeNull();
  });
});
