/**
 * The start-up policy (use-cases/refresh-snapshot.ts `refreshKeepingLastGood`), moved out of main.ts
 * (issue 8): a failed analysis is logged and told to the admin channel, and the bot keeps running on
 * the last saved snapshot; a failing notice costs nothing more than a log line.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { refreshKeepingLastGood } from '../../src/use-cases/refresh-snapshot.ts';

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

describe('refreshKeepingLastGood', () => {
  it('resolves true and tells nobody when the refresh works', async () => {
    const { logger, lines } = capturedLogger();
    const notices: unknown[] = [];
    const ok = await refreshKeepingLastGood(async () => undefined, {
      logger,
      notify: async (n) => void notices.push(n),
      what: 'read the sales data at start-up',
      reference: 'start-up',
    });
    expect(ok).toBe(true);
    expect(notices).toEqual([]);
    expect(lines.filter((l) => l.level === 50)).toEqual([]);
  });

  it('logs, notifies the admin with what failed, and resolves false instead of throwing', async () => {
    const { logger, lines } = capturedLogger();
    const notices: { what: string; error: unknown; reference: string }[] = [];
    const failure = new Error('sales.csv: no such file');
    const ok = await refreshKeepingLastGood(
      async () => {
        throw failure;
      },
      {
        logger,
        notify: async (n) => void notices.push(n),
        what: 'read the sales data at start-up',
        reference: 'start-up',
      },
    );
    expect(ok).toBe(false);
    expect(notices).toEqual([
      { what: 'read the sales data at start-up', error: failure, reference: 'start-up' },
    ]);
    const errors = lines.filter((l) => l.level === 50);
    expect(errors.map((l) => l.msg)).toEqual([
      'could not read the sales data at start-up; answering from the last saved snapshot',
    ]);
  });

  it('still resolves when the admin notice itself fails, and logs that', async () => {
    const { logger, lines } = capturedLogger();
    const ok = await refreshKeepingLastGood(
      async () => {
        throw new Error('bad data');
      },
      {
        logger,
        notify: async () => {
          throw new Error('channel_not_found');
        },
        what: 'read the sales data at start-up',
        reference: 'start-up',
      },
    );
    expect(ok).toBe(false);
    expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toContain(
      'could not tell the admin channel',
    );
  });
});
