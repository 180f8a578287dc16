/**
 * Account managers as Slack users. Customer files give an account manager as a Slack user id or an
 * email; an email is looked up once (`users.lookupByEmail`) so cards can show `@alice` and notify
 * her. Misses are remembered too, and a failed lookup leaves the email as it is.
 *
 * Also builds priority lines for customers beyond the analysis' top N, for a digest that leaves out
 * snoozed gaps and for `/revgap mine`, which covers a whole book.
 */
import type { Logger } from '../logger.ts';

export interface AccountManagerDirectory {
  /** The Slack user id for an email, or null; ids and unknown values come back unchanged as null. */
  userIdFor(accountManager: string): Promise<string | null>;
  /**
   * `items` with every account manager email that belongs to a Slack user replaced by the user id.
   * With `lookupUserById`, a value that only looks like a user id (`UNASSIGNED`, `WEST`, `USA`) and
   * is not a user of the workspace is returned as text that renders the same but is never a mention.
   */
  withSlackUsers<T extends { accountManager?: string }>(items: readonly T[]): Promise<T[]>;
  /** Account manager values seen by `withSlackUsers` that are no Slack user (sorted), for the data-quality notes. */
  unresolved(): string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** What the Slack renderers mention as a user (render/slack/_blocks.ts `isSlackUserId`). */
const LOOKS_LIKE_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Whether an account manager value is written as a Slack user id (what the renderers mention). */
export function looksLikeUserId(value: string): boolean {
  return LOOKS_LIKE_USER_ID.test(value);
}

/**
 * A value that looks like a user id but is none, as text: a zero-width space after the first letter
 * (invisible) keeps the renderers from writing `<@UNASSIGNED>`, the same device `escapeMrkdwn` uses.
 */
export function asPlainOwner(value: string): string {
  return `${value.charAt(0)}\u200b${value.slice(1)}`;
}

export function createAccountManagerDirectory(options: {
  lookupUserByEmail: (email: string) => Promise<string | null>;
  /** Is this a user of the workspace (users.info)? Without it, id-looking values are trusted as before. */
  lookupUserById?: (userId: string) => Promise<boolean>;
  logger: Logger;
  /** How long an answer (a hit or a miss) is trusted; default one hour. */
  ttlMs?: number;
  now?: () => number;
}): AccountManagerDirectory {
  const ttlMs = options.ttlMs ?? 3_600_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { userId: string | null; at: number }>();
  const idCache = new Map<string, { exists: boolean; at: number }>();
  const unresolved = new Set<string>();

  /** Whether an id-looking value is a user: asked once per TTL; a failed check is not trusted (fails closed). */
  const isUser = async (id: string): Promise<boolean> => {
    const lookup = options.lookupUserById;
    if (lookup === undefined) return true;
    const cached = idCache.get(id);
    if (cached && now() - cached.at < ttlMs) return cached.exists;
    try {
      const exists = await lookup(id);
      idCache.set(id, { exists, at: now() });
      return exists;
    } catch (error) {
      options.logger.warn(
        { err: error },
        'could not check an account manager id with Slack; showing it as text',
      );
      return false;
    }
  };

  /** Lookups under way, per email: concurrent answers for one account manager share one call. */
  const inFlight = new Map<string, Promise<string | null>>();
  const lookUp = (email: string): Promise<string | null> => {
    const running = inFlight.get(email);
    if (running) return running;
    const lookup = options
      .lookupUserByEmail(email)
      .then((userId) => {
        cache.set(email, { userId, at: now() });
        return userId;
      })
      .catch((error: unknown) => {
        options.logger.warn(
          { err: error },
          'could not look up an account manager by email; showing the email',
        );
        return cache.get(email)?.userId ?? null;
      })
      .finally(() => inFlight.delete(email));
    inFlight.set(email, lookup);
    return lookup;
  };

  const userIdFor = async (accountManager: string): Promise<string | null> => {
    const email = accountManager.trim().toLowerCase();
    if (!EMAIL.test(email)) return null;
    const cached = cache.get(email);
    if (cached && now() - cached.at < ttlMs) return cached.userId;
    // Known but old: answer with what is known and refresh behind it, so an answer never waits on
    // Slack (users.lookupByEmail is rate limited) for an account manager it has already shown.
    if (cached) {
      void lookUp(email);
      return cached.userId;
    }
    return lookUp(email);
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
      for (const email of emails) if (ids.get(email) === null) unresolved.add(email);
      const idLike = [
        ...new Set(
          items.map((i) => i.accountManager).filter((a): a is string => !!a && LOOKS_LIKE_USER_ID.test(a)),
        ),
      ];
      const real = new Map<string, boolean>();
      for (let i = 0; i < idLike.length; i += 5) {
        const batch = idLike.slice(i, i + 5);
        const found = await Promise.all(batch.map(isUser));
        for (const [k, id] of batch.entries()) {
          real.set(id, found[k] ?? false);
          if (!found[k]) unresolved.add(id);
        }
      }
      return items.map((item) => {
        const owner = item.accountManager;
        if (!owner) return item;
        const userId = ids.get(owner);
        if (userId) return { ...item, accountManager: userId };
        if (real.get(owner) === false) return { ...item, accountManager: asPlainOwner(owner) };
        return item;
      });
    },
    unresolved() {
      return [...unresolved].sort();
    },
  };
}
