import { describe, expect, it } from 'vitest';
import { renderProblemSummary, renderRunNotes } from '../../src/cli/_analysis-flags.ts';
import { createProgressReporter, createStageReporter, STAGE_MIN_CUSTOMERS } from '../../src/cli/_progress.ts';
import type { RowProblem } from '../../src/core/types.ts';
import {
  AS_OF_WEEK,
  buildCustomer,
  buildDataQuality,
  buildMetrics,
  buildSampleResult,
  weekOf,
} from '../helpers/build-result.ts';

function problem(line: number): RowProblem {
  return {
    file: '/data/sales.csv',
    line,
    column: 'amount',
    reason: `amount "x${line}" is not a number`,
    code: 'bad_amount',
  };
}

describe('renderProblemSummary', () => {
  it('says nothing when no row was rejected', () => {
    expect(
      renderProblemSummary(buildDataQuality({ rowsRejected: 0, rejectedByCode: {}, problems: [] })),
    ).toBe('');
  });

  it('counts skipped rows by reason and lists each with file:line and column', () => {
    const text = renderProblemSummary(
      buildDataQuality({
        source: '/data/sales.csv',
        rowsRead: 1200,
        rowsRejected: 2,
        rejectedByCode: { bad_amount: 2 },
        problems: [problem(7), problem(9)],
      }),
    );
    expect(text).toBe(
      [
        'warning: skipped 2 of 1,200 rows in /data/sales.csv (bad_amount: 2)',
        'rows:',
        '  sales.csv:7 (amount): amount "x7" is not a number',
        '  sales.csv:9 (amount): amount "x9" is not a number',
        'Fix these rows, or use --strict to stop at the first one.',
        '',
      ].join('\n'),
    );
  });

  it('lists only the first 20 of many problems', () => {
    const problems = Array.from({ length: 25 }, (_, i) => problem(i + 2));
    const text = renderProblemSummary(
      buildDataQuality({ rowsRead: 400, rowsRejected: 300, rejectedByCode: { bad_amount: 300 }, problems }),
    );
    expect(text).toContain('skipped 300 of 400 rows');
    expect(text).toContain('first 20:');
    expect(text).toContain('sales.csv:21 ');
    expect(text).not.toContain('sales.csv:22 ');
  });
});

describe('renderRunNotes', () => {
  it('suggests --period month when most customer-weeks are zero', () => {
    const quiet = buildDataQuality({ rowsRejected: 0, rejectedByCode: {}, problems: [], duplicateRows: 0 });
    expect(renderRunNotes(buildSampleResult({ suggestMonthly: true, dataQuality: quiet }))).toContain(
      'try --period month',
    );
    expect(renderRunNotes(buildSampleResult({ suggestMonthly: false, dataQuality: quiet }))).toBe('');
  });

  it('warns when the as-of week is after the latest sale, instead of suggesting months', () => {
    const quiet = buildDataQuality({
      rowsRejected: 0,
      rejectedByCode: {},
      problems: [],
      rowsAfterAsOf: 0,
      duplicateRows: 0,
    });
    // Last sale in the week of 2026-09-28, seven weeks before the as-of week of 2026-11-16.
    const customers = [
      buildCustomer({ customerId: 'C1', metrics: buildMetrics({ lastSalePeriod: weekOf('2026-09-28') }) }),
      buildCustomer({ customerId: 'C2', metrics: buildMetrics({ lastSalePeriod: weekOf('2026-09-21') }) }),
    ];
    const late = buildSampleResult({
      customers,
      partialPeriod: null,
      suggestMonthly: true,
      dataQuality: quiet,
    });
    expect(renderRunNotes(late)).toBe(
      'warning: the as-of week (week of 2026-11-16) is 7 weeks after the latest sale (week of 2026-09-28), ' +
        'so every customer looks idle since then; set --as-of to a date within the data, or leave it out ' +
        'to use the latest sale date.\n',
    );
    // A sale in the as-of week itself: nothing to say.
    // (Two customers: 118 rows of one customer would draw the one-customer warning.)
    const current = [
      buildCustomer({ customerId: 'C3', metrics: buildMetrics({ lastSalePeriod: AS_OF_WEEK }) }),
      buildCustomer({ customerId: 'C4', metrics: buildMetrics({ lastSalePeriod: AS_OF_WEEK }) }),
    ];
    expect(
      renderRunNotes(
        buildSampleResult({
          customers: current,
          partialPeriod: null,
          dataQuality: quiet,
          suggestMonthly: false,
        }),
      ),
    ).toBe('');
  });
});

/** A CLI io whose stderr is kept, on a terminal or not. */
function capture(isTTY: boolean) {
  let text = '';
  const io = {
    stdout: { write: () => true },
    stderr: { write: (t: string) => (text += t) },
    stderrIsTTY: isTTY,
  };
  return { io, text: () => text };
}

describe('createProgressReporter', () => {
  it('writes one line per 10% when stderr is not a terminal', () => {
    const out = capture(false);
    const progress = createProgressReporter(out.io, 'sales.csv');
    const total = 100 * 1_048_576;
    for (let read = 0; read <= total; read += 5 * 1_048_576) progress.update(read, total);
    progress.done();
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('reading sales.csv: 10% (10 MB of 100 MB)');
    expect(lines[9]).toBe('reading sales.csv: 100% (100 MB of 100 MB)');
  });

  it('rewrites one line in place on a terminal and clears it at the end', () => {
    const out = capture(true);
    const progress = createProgressReporter(out.io, 'sales.csv');
    progress.update(50, 100);
    progress.update(100, 100);
    progress.done();
    expect(out.text()).not.toContain('\n');
    expect(out.text()).toContain('\rreading sales.csv: 50%');
    expect(out.text().endsWith('\r\u001b[K')).toBe(true);
    // Ended again (the run's end after a stage's start): nothing more is written.
    const ended = out.text();
    progress.done();
    expect(out.text()).toBe(ended);
  });
});

describe('createStageReporter', () => {
  const run = (reporter: ReturnType<typeof createStageReporter>, customers: number) => {
    reporter.onStage({ stage: 'evidence', customers, pointsDone: 0, points: null });
    for (let p = 1; p <= 13; p++)
      reporter.onStage({ stage: 'evidence', customers, pointsDone: p, points: 13 });
    reporter.onStage({ stage: 'analysis', customers });
    reporter.done();
  };

  it('writes a line per stage when stderr is not a terminal', () => {
    const out = capture(false);
    run(createStageReporter(out.io, 'week'), 1_000_000);
    expect(out.text()).toBe(
      'evidence: replaying the rules at past weeks for 1,000,000 customers\nanalysing 1,000,000 customers\n',
    );
  });

  it('counts the replayed periods on one line on a terminal and clears it at the end', () => {
    const out = capture(true);
    run(createStageReporter(out.io, 'month'), STAGE_MIN_CUSTOMERS);
    expect(out.text()).not.toContain('\n');
    expect(out.text()).toContain('\revidence: 7 of 13 past months replayed (50,000 customers)');
    expect(out.text()).toContain('\ranalysing 50,000 customers');
    expect(out.text().endsWith('\r\u001b[K')).toBe(true);
  });

  it('says nothing for fewer customers (the work after the read is short)', () => {
    const out = capture(true);
    run(createStageReporter(out.io, 'week'), STAGE_MIN_CUSTOMERS - 1);
    expect(out.text()).toBe('');
  });
});

describe('renderRunNotes and the customers file', () => {
  const salesOnly = (id: string) => buildCustomer({ customerId: id, metrics: buildMetrics() });
  const fileOnly = (id: string, name: string) => buildCustomer({ customerId: id, name, status: 'no_sales' });
  const quality = (rowsRead: number) =>
    buildDataQuality({
      rowsRejected: 0,
      rejectedByCode: {},
      problems: [],
      customers: { source: 'customers.csv', rowsRead, rowsRejected: 0, problems: [] },
    });

  it('warns when no id of the customers file appears in the sales', () => {
    const result = buildSampleResult({
      customers: [salesOnly('C1'), salesOnly('C2'), fileOnly('A-1', 'Alpha'), fileOnly('A-2', 'Bravo')],
      dataQuality: quality(2),
    });
    expect(renderRunNotes(result)).toContain(
      'warning: none of the 2 customers in customers.csv matches a customer id in the sales file (e.g. "A-1" there, "C1" in the sales)',
    );
  });

  it('says nothing when some customer with sales has its name from the file', () => {
    const result = buildSampleResult({
      customers: [
        buildCustomer({ customerId: 'C1', name: 'Acme', metrics: buildMetrics() }),
        fileOnly('A-1', 'Alpha'),
      ],
      dataQuality: quality(2),
    });
    expect(renderRunNotes(result)).not.toContain('matches a customer id');
  });
});

describe('renderRunNotes and currencies', () => {
  const withCurrencies = (currencies: Record<string, number> | undefined) =>
    buildSampleResult({
      dataQuality: buildDataQuality({ rowsRejected: 0, rejectedByCode: {}, problems: [], currencies }),
    });

  it('warns that amounts in several currencies were added up as written', () => {
    expect(renderRunNotes(withCurrencies({ EUR: 1, USD: 3, GBP: 1 }), 'USD')).toContain(
      'warning: the amounts are in several currencies (USD 3 rows, EUR 1 row, GBP 1 row) and were added up as written',
    );
  });

  it('names --currency when every amount is written in another currency than the one shown', () => {
    expect(renderRunNotes(withCurrencies({ EUR: 2 }), 'USD')).toContain(
      'the amounts are written in EUR but shown in USD: run with --currency EUR',
    );
    expect(renderRunNotes(withCurrencies({ EUR: 2 }), 'eur')).not.toContain('currenc');
    expect(renderRunNotes(withCurrencies(undefined), 'USD')).not.toContain('currenc');
  });
});

describe('renderRunNotes when nobody has enough history', () => {
  it('says how much history there is and what would help, for months', () => {
    const monthly = buildSampleResult({
      period: { kind: 'month', weekStartsOn: 1 },
      summary: { ...buildSampleResult().summary, customersAnalyzed: 0, customersTooNew: 2 },
      customers: [
        buildCustomer({ customerId: 'C1', status: 'too_new', metrics: buildMetrics({ history: 3 }) }),
        buildCustomer({ customerId: 'C2', status: 'too_new', metrics: buildMetrics({ history: 2 }) }),
      ],
    });
    expect(renderRunNotes(monthly, 'USD', 6)).toContain(
      'warning: no customer could be judged: the longest history is 3 months up to the as-of month, and 6 months are needed; use weekly periods (--period week), or more history.',
    );
  });

  it('says nothing when someone was judged', () => {
    expect(renderRunNotes(buildSampleResult(), 'USD', 6)).not.toContain('could be judged');
  });
});

describe('renderRunNotes and a file of one customer', () => {
  it('warns when 20 or more rows all belong to one customer (a wrong customer column)', () => {
    const result = buildSampleResult({
      customers: [buildCustomer({ customerId: 'Sales Income', metrics: buildMetrics() })],
      dataQuality: buildDataQuality({ rowsAccepted: 120, rowsRejected: 0, rejectedByCode: {}, problems: [] }),
    });
    expect(renderRunNotes(result)).toContain(
      'warning: all 120 rows belong to one customer ("Sales Income"): if that column is not the customer, name the right one with --map customer_id="Header".',
    );
  });

  it('says nothing for a small file or several customers', () => {
    const small = buildSampleResult({
      customers: [buildCustomer({ customerId: 'C1', metrics: buildMetrics() })],
      dataQuality: buildDataQuality({ rowsAccepted: 19, rowsRejected: 0, rejectedByCode: {}, problems: [] }),
    });
    expect(renderRunNotes(small)).not.toContain('one customer');
    expect(renderRunNotes(buildSampleResult())).not.toContain('one customer');
  });
});

describe('renderRunNotes and duplicates', () => {
  const clean = { rowsRejected: 0, rejectedByCode: {}, problems: [] };

  it('says how many exact duplicates were kept, and the flag that drops them', () => {
    const kept = buildSampleResult({ dataQuality: buildDataQuality({ ...clean, duplicateRows: 5 }) });
    expect(renderRunNotes(kept)).toContain(
      'note: 5 exact duplicate rows in sales.csv kept and counted as sales; --drop-duplicates drops them.',
    );
    const dropped = buildSampleResult({
      dataQuality: buildDataQuality({ ...clean, duplicateRows: 1, duplicatesDropped: true }),
    });
    expect(renderRunNotes(dropped)).toContain(
      'note: dropped 1 exact duplicate row (every field equal to an earlier row) in sales.csv (--drop-duplicates).',
    );
    // With the dropped lines known, they are listed (issue 13, finding 4).
    const listed = buildSampleResult({
      dataQuality: buildDataQuality({
        ...clean,
        duplicateRows: 3,
        duplicatesDropped: true,
        duplicateLines: [4, 9],
      }),
    });
    expect(renderRunNotes(listed)).toContain(
      'note: dropped 3 exact duplicate rows (every field equal to an earlier row) in sales.csv (the first 2 at lines 4, 9) (--drop-duplicates).',
    );
  });
});

describe('renderRunNotes when no row is a sale', () => {
  it('warns that every amount is a refund or zero', () => {
    const result = buildSampleResult({
      partialPeriod: null,
      customers: [
        buildCustomer({ customerId: 'C1', status: 'no_sales' }),
        buildCustomer({ customerId: 'C2', status: 'no_sales' }),
      ],
      dataQuality: buildDataQuality({
        rowsAccepted: 3,
        rowsRejected: 0,
        rejectedByCode: {},
        problems: [],
        rowsAfterAsOf: 0,
      }),
    });
    expect(renderRunNotes(result)).toContain(
      'warning: none of the 3 rows has a positive amount (a sale), only refunds or zeros;',
    );
    expect(renderRunNotes(buildSampleResult())).not.toContain('positive amount');
  });
});

describe('renderRunNotes when the as-of date is before the data', () => {
  it('warns that every row is after the as-of week', () => {
    const result = buildSampleResult({
      partialPeriod: null,
      dataQuality: buildDataQuality({
        rowsAccepted: 2655,
        rowsAfterAsOf: 2655,
        rowsRejected: 0,
        rejectedByCode: {},
        problems: [],
        duplicateRows: 0,
      }),
    });
    expect(renderRunNotes(result)).toContain(
      'warning: all 2,655 rows are dated after the as-of week (week of 2026-11-16), so nothing was analysed;',
    );
    expect(renderRunNotes(buildSampleResult())).not.toContain('dated after the as-of');
  });
});

describe('renderRunNotes when the data is less than one complete week', () => {
  it('says the only week is incomplete and which --as-of counts it, and nothing about refunds', () => {
    const result = buildSampleResult({
      customers: [
        buildCustomer({ customerId: 'C1', status: 'no_sales' }),
        buildCustomer({ customerId: 'C2', status: 'no_sales' }),
      ],
      dataQuality: buildDataQuality({
        rowsAccepted: 4,
        rowsAfterAsOf: 0,
        rowsRejected: 0,
        rejectedByCode: {},
        problems: [],
        duplicateRows: 0,
      }),
      partialPeriod: { ...buildSampleResult().partialPeriod!, rows: 4 },
    });
    const notes = renderRunNotes(result);
    expect(notes).toContain(
      'warning: all 4 rows fall in the week of 2026-11-23, which is not complete (it ends 2026-11-29)',
    );
    expect(notes).toContain('--as-of 2026-11-29');
    expect(notes).not.toContain('positive amount');
  });
});
