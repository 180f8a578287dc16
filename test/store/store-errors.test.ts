/**
 * A failed store call says what failed, and its cause carries no statement parameters into logs:
 * PGlite's errors hold them, and a snapshot's are megabytes of customer data (seen at 1,000,000
 * customers: one 8.5 MB error line, the customers' names and figures in the log).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { createPgliteStore } from '../../src/store/pglite-store.ts';
import { initialisedPgliteDump } from '../helpers/pglite-dump.ts';
import { makeAnalysisResult } from './analysis-result-fixture.ts';

describe('store errors', () => {
  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const store of opened) await store.close();
  });

  it('name the action, and leave the statement parameters (customer data) out of the cause', async () => {
    const store = createPgliteStore({ dataDir: 'memory://', loadDataDir: await initialisedPgliteDump() });
    opened.push(store);
    const result = makeAnalysisResult(50);
    const customerName = result.customers[7]?.name ?? '';
    expect(customerName).not.toBe('');
    let error: unknown;
    try {
      // Not a timestamp: the INSERT fails in the database, with the snapshot as a parameter.
      await store.saveSnapshot({ id: 's1', createdAt: 'not-a-date', asOfPeriod: 1, source: 'x', result });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toContain('saving a snapshot failed');
    const cause = (error as AppError).cause as { params?: unknown };
    expect(cause.params).toMatch(/^\[\d+ parameters, left out of logs\]$/);
    expect(JSON.stringify(cause, Object.getOwnPropertyNames(cause))).not.toContain(customerName);
  });
});
