import { describe, expect, it } from 'vitest';
import { priorityOfCustomer, rankedPriorities } from '../../src/core/analyze.ts';
import type { GapState } from '../../src/core/types.ts';
import { createLogger } from '../../src/logger.ts';
import { createAccountManagerDirectory } from '../../src/use-cases/account-managers.ts';
import { selectDigestPriorities } from '../../src/use-cases/post-digest.ts';
import { ACME, BOLT, buildCustomer, buildSampleResult, priorityOf } from '../helpers/build-result.ts';

const logger = createLogger({ level: 'silent' });

describe('the account manager directory', () => {
  it('shows an email that belongs to a Slack user as that user, asking Slack once per email', async () => {
    const asked: string[] = [];
    const people = createAccountManagerDirectory({
      logger,
      lookupUserByEmail: async (email) => {
        asked.push(email);
        return email === 'jane@example.com' ? 'U0JANE' : null;
      },
    });
    const items = [
      { accountManager: 'jane@example.com' },
      { accountManager: 'U0ACME01' },
      { accountManager: 'x@y.org' },
      {},
    ];
    expect(await people.withSlackUsers(items)).toEqual([
      { accountManager: 'U0JANE' },
      { accountManager: 'U0ACME01' },
      { accountManager: 'x@y.org' },
      {},
    ]);
    await people.withSlackUsers(items);
    expect(asked).toEqual(['jane@example.com', 'x@y.org']);
  });

  it('asks Slack once for one email wanted by several answers at the same time', async () => {
    const asked: string[] = [];
    const people = createAccountManagerDirectory({
      logger,
      lookupUserByEmail: async (email) => {
        asked.push(email);
        return 'U0JANE';
      },
    });
    const items = [{ accountManager: 'jane@example.com' }];
    const answers = await Promise.all([people.withSlackUsers(items), people.withSlackUsers(items)]);
    expect(answers).toEqual([[{ accountManager: 'U0JANE' }], [{ accountManager: 'U0JANE' }]]);
    expect(asked).toEqual(['jane@example.com']);
  });

  it('answers with the known user once the hour is up, and asks Slack again behind the answer', async () => {
    let clock = 0;
    let reply = 'U0JANE';
    const asked: string[] = [];
    const people = createAccountManagerDirectory({
      logger,
      now: () => clock,
      lookupUserByEmail: async (email) => {
        asked.push(email);
        return reply;
      },
    });
    const items = [{ accountManager: 'jane@example.com' }];
    expect(await people.withSlackUsers(items)).toEqual([{ accountManager: 'U0JANE' }]);
    clock = 3_600_001;
    reply = 'U0JANE2';
    // Not waiting on Slack: the known answer, while the lookup runs again.
    expect(await people.withSlackUsers(items)).toEqual([{ accountManager: 'U0JANE' }]);
    expect(asked).toHaveLength(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await people.withSlackUsers(items)).toEqual([{ accountManager: 'U0JANE2' }]);
    expect(asked).toHaveLength(2);
  });

  it('keeps the email when Slack cannot be asked', async () => {
    const people = createAccountManagerDirectory({
      logger,
      lookupUserByEmail: async () => {
        throw new Error('ratelimited');
      },
    });
    expect(await people.withSlackUsers([{ accountManager: 'jane@example.com' }])).toEqual([
      { accountManager: 'jane@example.com' },
    ]);
  });
});

/** Acme (rank 1) and Bolt (rank 2) are the analysis' top 2; Third is ranked 3 but beyond the top N. */
const THIRD = buildCustomer({
  ...BOLT,
  customerId: 'C010',
  name: 'Third Ltd',
  rank: 3,
  gapAmountCents: 10_000,
});
const result = { ...buildSampleResult(), customers: [ACME, BOLT, THIRD] };

describe('the digest top list', () => {
  it('reads the analysis priorities, then the ranked customers beyond them', () => {
    expect([...rankedPriorities(result)].map((p) => [p.rank, p.customerId])).toEqual([
      [1, 'C001'],
      [2, 'C002'],
      [3, 'C010'],
    ]);
  });

  it('lists a customer beyond the top N exactly as the analysis lists its priorities (same fields, same order)', () => {
    const beyond = [...rankedPriorities(result)][2];
    expect(beyond?.accountManager).toBe('jane@example.com');
    expect(JSON.stringify(beyond)).toBe(JSON.stringify(priorityOfCustomer(THIRD)));
  });

  it('leaves a snoozed gap out and moves the next ranked customer up', () => {
    const states = new Map<string, GapState>([
      [
        'C001',
        {
          customerId: 'C001',
          status: 'snoozed',
          snoozedUntil: '2026-12-08',
          gapAmountCentsAtDecision: 200_000,
        },
      ],
    ]);
    const { shown, hidden } = selectDigestPriorities(rankedPriorities(result), states, 2);
    expect(shown.map((p) => p.customerId)).toEqual(['C002', 'C010']);
    expect(hidden.map((p) => p.customerId)).toEqual(['C001']);
  });

  it('brings a dismissed gap back once it is more than 25% worse than at the decision', () => {
    // Acme's gap is $2,000; dismissed at $1,500 it is 33% worse now, at $1,700 only 18%.
    const dismissedAt = (cents: number) =>
      new Map<string, GapState>([
        ['C001', { customerId: 'C001', status: 'dismissed', gapAmountCentsAtDecision: cents }],
      ]);
    expect(selectDigestPriorities([priorityOf(ACME)], dismissedAt(150_000), 5).shown).toHaveLength(1);
    expect(selectDigestPriorities([priorityOf(ACME)], dismissedAt(170_000), 5).shown).toHaveLength(0);
  });
});
