import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installGracefulShutdown, runShutdown } from '../../src/cli/graceful-shutdown.ts';
import { captureLogs } from '../helpers/capture-logs.ts';

describe('runShutdown', () => {
  it('runs every step in order and exits 0 when all finish', async () => {
    const order: string[] = [];
    const logs = captureLogs();
    const code = await runShutdown(
      [
        { name: 'scheduler', run: async () => void order.push('scheduler') },
        { name: 'slack', run: async () => void order.push('slack') },
        { name: 'store', run: async () => void order.push('store') },
      ],
      logs.logger,
      1000,
    );
    expect(code).toBe(0);
    expect(order).toEqual(['scheduler', 'slack', 'store']);
  });

  it('moves on from a step that hangs or fails, still closing the store, and exits 1', async () => {
    const order: string[] = [];
    const logs = captureLogs();
    const code = await runShutdown(
      [
        { name: 'scheduler', run: () => new Promise(() => undefined) },
        {
          name: 'slack',
          run: async () => {
            throw new Error('socket already closed');
          },
        },
        { name: 'store', run: async () => void order.push('store') },
      ],
      logs.logger,
      30,
    );
    expect(code).toBe(1);
    expect(logs.find('did not finish in time')).toHaveLength(1);
    // The hung step used the whole deadline, so the store step is reported as skipped.
    expect(logs.find('skipping the remaining steps').length + order.length).toBe(1);
  });
});

describe('installGracefulShutdown', () => {
  it('shuts down on SIGTERM and exits with the outcome', async () => {
    const source = new EventEmitter();
    const exits: number[] = [];
    const done = new Promise<void>((resolve) => {
      installGracefulShutdown({
        steps: [{ name: 'store', run: async () => undefined }],
        logger: captureLogs().logger,
        source,
        exit: (code) => {
          exits.push(code);
          resolve();
        },
      });
    });
    source.emit('SIGTERM', 'SIGTERM');
    await done;
    expect(exits).toEqual([0]);
  });

  it('exits at once on a second signal', () => {
    const source = new EventEmitter();
    const exits: number[] = [];
    installGracefulShutdown({
      steps: [{ name: 'scheduler', run: () => new Promise(() => undefined) }],
      logger: captureLogs().logger,
      source,
      exit: (code) => void exits.push(code),
      deadlineMs: 60_000,
    });
    source.emit('SIGTERM', 'SIGTERM');
    source.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);
  });
});
