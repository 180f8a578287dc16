/**
 * Issue 13 finding 1, the remaining gap: MORE than the handful of rows that `farFutureRows` sets
 * aside sit far in the future. The as-of date used to follow them silently (every other customer
 * "lapsed", exit 0). Now, with no --as-of, rows dated FAR_GAP_PERIODS periods or more after the run's
 * today stop the run with an InputError that counts them, names the first few and gives the fixes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFarFutureRows, FAR_GAP_PERIODS, farRowsAllowed } from '../../src/core/analyze.ts';
import { createLedgerBuilder } from '../../src/core/ledger.ts';
import { dayFromIso, isoFromDay, periodOfDay, periodStartDay } from '../../src/core/periods.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import type { PeriodSpec, SaleRow } from '../../src/core/types.ts';
import { InputError } from '../../src/errors.ts';
import { analysisRequest } from '../../src/sources/open-sources.ts';
import { runAnalysis } from '../../src/use-cases/run-analysis.ts';

const weeks: PeriodSpec = { kind: 'week', weekStartsOn: 1 };

/** 2 customers x 16 weekly rows from 2026-01-05, then `far` rows of C1 on 2062-04-20 (lines 34...). */
function reproCsv(far: number): string {
  const lines = ['customer_id,date,amount'];
  const start = dayFromIso('2026-01-05');
  for (let w = 0; w < 16; w++) {
    lines.push(`C1,${isoFromDay(start + 7 * w)},100`);
    lines.push(`C2,${isoFromDay(start + 7 * w)},${w < 12 ? 100 : 10}`);
  }
  for (let i = 0; i < far; i++) lines.push('C1,2062-04-20,100');
  return `${lines.join('\n')}\n`;
}

function writeCsv(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'revgap-far-')), 's.csv');
  writeFileSync(path, text);
  return path;
}

describe('many far-future rows stop the run (issue 13, finding 1)', () => {
  const today = '2026-05-01';

  it('repro: 10 rows dated 2062 stop the run with the count, the lines and the fixes', async () => {
    const path = writeCsv(reproCsv(10));
    const request = {
      ...analysisRequest({ salesPath: path, settings: defaultAnalysisSettings(), today }),
      today,
    };
    const error = await runAnalysis(request).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    const { message, hint } = error as InputError;
    expect(message).toContain(`10 rows of ${path} are dated on or after`);
    expect(message).toContain('after today (2026-05-01)');
    expect(message).toContain('line 34: 2062-04-20, customer "C1"');
    expect(hint).toContain('--as-of YYYY-MM-DD');
    expect(hint).toContain('Correct those dates');
  });

  it('the same file with --as-of is analysed (the override), and one such row is set aside as before', async () => {
    const path = writeCsv(reproCsv(10));
    const settings = { ...defaultAnalysisSettings(), asOf: '2026-04-26' };
    const result = await runAnalysis({ ...analysisRequest({ salesPath: path, settings, today }), today });
    expect(result.summary.totalGapCents).toBe(360_00);
    expect(result.dataQuality.rowsAfterAsOf).toBe(10);
    const one = writeCsv(reproCsv(1));
    const setAside = await runAnalysis({
      ...analysisRequest({ salesPath: one, settings: defaultAnalysisSettings(), today }),
      today,
    });
    expect(setAside.summary.totalGapCents).toBe(360_00);
    expect(setAside.dataQuality.setAsideRows?.map((r) => r.line)).toEqual([34]);
  });

  it('property: the run stops exactly when rows far after today are more than those set aside', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ c: fc.integer({ min: 0, max: 20 }), d: fc.integer({ min: 0, max: 120 }) }), {
          minLength: 12,
          maxLength: 200,
        }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: -8, max: 60 }),
        fc.integer({ min: 0, max: 6 }),
        fc.boolean(),
        (bulk, k, weeksAhead, dayInWeek, withAsOf) => {
          const base = dayFromIso('2026-01-05'); // a Monday
          const rows: SaleRow[] = bulk.map((r, i) => ({
            customerId: `C${r.c}`,
            day: base + r.d,
            amountCents: 1,
            line: i + 2,
          }));
          const todayDay = base + 120;
          const todayWeek = periodOfDay(todayDay, weeks);
          // k rows in one week, weeksAhead weeks after today's week.
          const farDay = periodStartDay(todayWeek + weeksAhead, weeks) + dayInWeek;
          for (let i = 0; i < k; i++)
            rows.push({ customerId: 'F', day: farDay, amountCents: 1, line: 900 + i });
          const builder = createLedgerBuilder(weeks);
          for (const r of rows) builder.add(r);
          const ledger = builder.build();
          const call = () =>
            checkFarFutureRows(ledger, withAsOf ? '2026-05-04' : undefined, isoFromDay(todayDay), 's.csv');
          const bulkLastWeek = Math.max(...bulk.map((r) => periodOfDay(base + r.d, weeks)));
          const emptyWeeks = todayWeek + weeksAhead - bulkLastWeek - 1;
          const setAside = emptyWeeks >= FAR_GAP_PERIODS.week && k <= farRowsAllowed(rows.length) ? k : 0;
          const expectStop = !withAsOf && weeksAhead >= FAR_GAP_PERIODS.week && k > setAside;
          if (expectStop) expect(call).toThrow(InputError);
          else expect(call).not.toThrow();
        },
      ),
      { numRuns: 100 },
    );
  });

  it.each([
    ['a row a week ahead (an invoice dated next week)', 1, 20, false],
    ['rows 25 weeks ahead', 25, 20, false],
    ['rows 26 weeks ahead', 26, 20, true],
    ['a handful far ahead (set aside instead)', 100, 3, false],
  ] as const)('%s: stops %s', (_name, ahead, count, stops) => {
    const builder = createLedgerBuilder(weeks);
    const start = dayFromIso('2026-01-05');
    for (let w = 0; w < 16; w++)
      builder.add({ customerId: 'A', day: start + 7 * w, amountCents: 1, line: w + 2 });
    const todayDay = dayFromIso('2026-04-27'); // Monday of week 17
    for (let i = 0; i < count; i++)
      builder.add({ customerId: 'B', day: todayDay + 7 * ahead, amountCents: 1, line: 100 + i });
    const ledger = builder.build();
    const call = () => checkFarFutureRows(ledger, undefined, isoFromDay(todayDay), 's.csv');
    if (stops) expect(call).toThrow(/26 weeks or more after today \(2026-04-27\)/);
    else expect(call).not.toThrow();
  });
});
