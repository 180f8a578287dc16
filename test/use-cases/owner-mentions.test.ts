/**
 * Issue 13, finding 11: an account-manager value is mentioned as <@U...> only when Slack confirms
 * the id is a user of the workspace (users.info, cached); the rest are shown as text, and the
 * digest's data-quality notes name them.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { renderGapCard } from '../../src/render/slack/card.ts';
import { createAccountManagerDirectory } from '../../src/use-cases/account-managers.ts';
import { withOwnerNote } from '../../src/use-cases/post-digest.ts';
import { BOLT, buildSampleResult, priorityOf } from '../helpers/build-result.ts';

const logger = createLogger({ level: 'silent' });
const USERS = new Set(['U0ACME01', 'W0GRID']);

function directory(asked: string[] = []) {
  return createAccountManagerDirectory({
    logger,
    lookupUserByEmail: async (email) => (email === 'jane@example.com' ? 'U0JANE' : null),
    lookupUserById: async (id) => {
      asked.push(id);
      return USERS.has(id);
    },
  });
}

function ownerText(accountManager: string): string {
  const card = renderGapCard({ ...priorityOf(BOLT), accountManager }, undefined, {
    currency: 'USD',
    series: BOLT.series,
    digestRunId: 'r',
  });
  return JSON.stringify(card);
}

describe('account managers as Slack mentions', () => {
  it('repro: UNASSIGNED, WEST and USA are shown as text, not <@UNASSIGNED>', async () => {
    const people = directory();
    const items = await people.withSlackUsers([
      { accountManager: 'UNASSIGNED' },
      { accountManager: 'WEST' },
      { accountManager: 'USA' },
    ]);
    for (const [i, value] of ['UNASSIGNED', 'WEST', 'USA'].entries()) {
      const text = ownerText(items[i]!.accountManager!);
      expect(text).not.toContain(`<@${value}>`);
      expect(text.replaceAll('\\u200b', '').replaceAll('\u200b', '')).toContain(`owner ${value}`);
    }
    expect(people.unresolved()).toEqual(['UNASSIGNED', 'USA', 'WEST']);
  });

  it('table: only ids Slack confirms (and emails it resolves) become mentions', async () => {
    const table: Array<[string, string | null]> = [
      ['U0ACME01', '<@U0ACME01>'],
      ['W0GRID', '<@W0GRID>'],
      ['U0GONE', null],
      ['UNKNOWN', null],
      ['jane@example.com', '<@U0JANE>'],
      ['x@y.org', null],
    ];
    const people = directory();
    for (const [value, mention] of table) {
      const [item] = await people.withSlackUsers([{ accountManager: value }]);
      const text = ownerText(item!.accountManager!);
      if (mention) expect(text, value).toContain(mention);
      else expect(text, value).not.toContain('<@');
    }
  });

  it('asks Slack once per id (cached), and fails closed when it cannot ask', async () => {
    const asked: string[] = [];
    const people = directory(asked);
    await people.withSlackUsers([{ accountManager: 'U0ACME01' }, { accountManager: 'U0ACME01' }]);
    await people.withSlackUsers([{ accountManager: 'U0ACME01' }]);
    expect(asked).toEqual(['U0ACME01']);
    const down = createAccountManagerDirectory({
      logger,
      lookupUserByEmail: async () => null,
      lookupUserById: async () => {
        throw new Error('ratelimited');
      },
    });
    const [item] = await down.withSlackUsers([{ accountManager: 'U0ACME01' }]);
    expect(ownerText(item!.accountManager!)).not.toContain('<@U0ACME01>');
  });

  it("the digest's data-quality notes name the owners that did not resolve", () => {
    const result = buildSampleResult();
    expect(withOwnerNote(result, [])).toBe(result);
    const noted = withOwnerNote(result, ['UNASSIGNED', 'x@y.org']);
    expect(noted.dataQuality.notes?.at(-1)).toContain(
      '"UNASSIGNED", "x@y.org" are not a Slack user of this workspace',
    );
  });
});
