/**
 * Account managers as Slack users. Customer files give an account manager as a Slack user id or an
 * email; an email is looked up once (`users.lookupByEmail`) so cards can show `@alice` and notify
 * her. Misses are remembered too, and a failed lookup leaves the email as it is.
 *
 * Also builds priority lines for customers beyond the analysis' top N, for a digest that leaves out
 * snoozed gaps and for `/revgap mine`, which covers a whole book.
 */
import { priorityOfCustomer } from '../core/analyze.ts';
import type { CustomerAnalysis, Priority } from '../core/types.ts';
import type { Logger } from '../logger.ts';

export interface AccountManagerDirectory {
  /** The Slack user id for an email, or null; ids and unknown values come back unchanged as null. */
  userIdFor(accountManager: string): Promise<string | null>;
  /** `priorities` with every account manager email that belongs to a Slack user replaced by the user id. */
  withSlackUsers<T extends { accountManager?: string }>(items: readonly T[]): Promise<T[]>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function createAccountManagerDirectory(options: {
  lookupUserByEmail: (email: string) => Promise<string | null>;
  logger: Logger;
  /** How long an answer (a hit or a miss) is trusted; default one hour. */
  ttlMs?: number;
  now?: () => number;
}): AccountManagerDirectory {
  const ttlMs = options.ttlMs ?? 3_600_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { userId: string | null; at: number }>();

  const userIdFor = async (accountManager: string): Promise<string | null> => {
    const email = accountManager.trim().toLowerCase();
    if (!EMAIL.test(email)) return null;
    const cached = cache.get(email);
    if (cached && now() - cached.at < ttlMs) return cached.userId;
    try {
      const userId = await options.lookupUserByEmail(email);
      cache.set(email, { userId, at: now() });
      return userId;
    } catch (error) {
      options.logger.warn({ err: error }, 'could not look up an account manager by email; showing the email');
      return null;
    }
  };

  return {
    userIdFor,
    async withSlackUsers(items) {
      const emails = [
        ...new Set(items.map((i) => i.accountManager).filter((a): a is string => !!a && EMAIL.test(a))),
      ];
      const ids = new Map<string, string | null>();
      // A few at a time: users.lookupByEmail is rate limited (Tier 3, ~50 a minute).
      for (let i = 0; i < emails.length; i += 5) {
        const batch = emails.slice(i, i + 5);
        const found = await Promise.all(batch.map(userIdFor));
        for (const [k, email] of batch.entries()) ids.set(email, found[k] ?? null);
      }
      return items.map((item) => {
        const userId = item.accountManager ? ids.get(item.accountManager) : undefined;
        return userId ? { ...item, accountManager: userId } : item;
      });
    },
  };
}

/**
 * The analysis' priorities followed by every other scored customer in rank order, lazily: a digest
 * that skips snoozed gaps reads only as far as it needs. (Seed rules list one row per gap; their
 * customers are not repeated.)
 */
export function* rankedPriorities(result: {
  priorities: readonly Priority[];
  customers: readonly CustomerAnalysis[];
}): Generator<Priority> {
  const seen = new Set<string>();
  let lastRank = 0;
  for (const p of result.priorities) {
    seen.add(p.customerId);
    lastRank = Math.max(lastRank, p.rank);
    yield p;
  }
  // `customers` holds the ranked ones first, in rank order.
  for (const customer of result.customers) {
    if (customer.rank === null) break;
    if (customer.rank <= lastRank || seen.has(customer.customerId)) continue;
    const priority = priorityOfCustomer(customer);
    if (priority) yield priority;
  }
}
