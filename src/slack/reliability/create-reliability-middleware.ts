/**
 * Two Bolt global middlewares, so every listener gets them without repeating the checks:
 *
 * - `createDedupeMiddleware`: drops a delivery already seen (Slack re-sends events, a retried
 *   command or click carries the same payload), acknowledging it so Slack stops re-sending. The
 *   first delivery claims the key BEFORE the listener runs, so concurrent copies never both run.
 * - `createAccessMiddleware`: commands, buttons, modals and mentions from someone outside the
 *   allowed users, or in a channel outside the allowed ones, get a polite refusal and never reach
 *   a listener, so no customer data can leak through one that forgot to check.
 *
 * Register both with `app.use(...)` before the listeners, dedupe first (a refusal is answered once
 * too).
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../../logger.ts';
import { renderRefusalHome, renderRefusalModal } from '../../render/slack/notices.ts';
import type { DeliveryKeyStore } from '../../store/state-store.ts';
import type { AccessPolicy } from './create-access-policy.ts';
import {
  actionDeliveryKey,
  actionIntentKey,
  commandDeliveryKey,
  createMemoryDeliveryLedger,
  type DeliveryLedger,
  eventDeliveryKey,
  messageDeliveryKey,
  viewSubmissionKey,
} from './delivery-keys.ts';

type Bag = Record<string, unknown>;
const bag = (v: unknown): Bag => (typeof v === 'object' && v !== null ? (v as Bag) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Ledger on the DeliveryKeyStore's `recordDelivery`, shared by every instance on one database. */
export function createStoreDeliveryLedger(options: {
  store: DeliveryKeyStore;
  /** Window after which the same key counts as new again; default none (until pruned). */
  ttlMs?: number;
  now?: () => number;
}): DeliveryLedger {
  const now = options.now ?? Date.now;
  return {
    async claim(key) {
      const t = now();
      const expiresAt = options.ttlMs === undefined ? undefined : new Date(t + options.ttlMs).toISOString();
      return options.store.recordDelivery(
        key,
        new Date(t).toISOString(),
        expiresAt ? { expiresAt } : undefined,
      );
    },
  };
}

/**
 * Memory first (in-process copies never reach the database), then the shared ledger. If the
 * shared ledger fails, the delivery is handled (fail open) and a warning logged: answering twice
 * beats not answering, and the state writes behind it are idempotent on their own ids.
 */
export function createLayeredLedger(
  memory: DeliveryLedger,
  shared: DeliveryLedger,
  logger: Logger,
): DeliveryLedger {
  return {
    async claim(key) {
      if (!(await memory.claim(key))) return false;
      try {
        return await shared.claim(key);
      } catch (error) {
        logger.warn(
          { err: error, key },
          'delivery ledger unavailable; handling the delivery without de-duplication',
        );
        return true;
      }
    },
  };
}

/** The delivery keys of one incoming request (all must be new for it to run). */
export function deliveryKeysOf(body: unknown): { keys: string[]; intentKeys: string[] } {
  const b = bag(body);
  switch (b.type) {
    case 'event_callback': {
      const keys = [eventDeliveryKey(b)];
      const event = bag(b.event);
      // The only message-like event subscribed to (manifest.yml): a re-sent mention is answered once.
      if (event.type === 'app_mention') {
        keys.push(messageDeliveryKey(event, str(b.team_id)));
      }
      return { keys: keys.filter((k): k is string => k !== null), intentKeys: [] };
    }
    case 'block_actions':
      return { keys: [actionDeliveryKey(b)], intentKeys: [actionIntentKey(b)] };
    case 'view_submission':
      return { keys: [viewSubmissionKey(b)], intentKeys: [] };
    case 'shortcut':
    case 'message_action':
      return { keys: str(b.trigger_id) ? [`shortcut:${b.trigger_id}`] : [], intentKeys: [] };
    default:
      // Slash commands have no `type`; they carry `command` and `trigger_id`.
      if (str(b.command)) return { keys: [commandDeliveryKey(b)], intentKeys: [] };
      return { keys: [], intentKeys: [] };
  }
}

export interface DedupeMiddlewareOptions {
  /** Exact re-deliveries; default an in-memory ledger (one hour). */
  ledger?: DeliveryLedger;
  /**
   * Deliveries whose handling changes nothing and is only seen by the asker (a read-only `/revgap`
   * answer): claimed in `readOnlyLedger` (this process's memory) instead of `ledger`. A re-send
   * reaching a second instance is answered twice, privately, which is harmless; the shared ledger
   * would cost a database write on every answer.
   */
  isReadOnly?: (body: unknown) => boolean;
  readOnlyLedger?: DeliveryLedger;
  /** Same button, same message, same user within a short window (double clicks); default 10 s in memory. */
  intentLedger?: DeliveryLedger;
  logger: Logger;
}

export function createDedupeMiddleware(options: DedupeMiddlewareOptions): Middleware<AnyMiddlewareArgs> {
  const ledger = options.ledger ?? createMemoryDeliveryLedger();
  const intents = options.intentLedger ?? createMemoryDeliveryLedger({ ttlMs: 10_000 });
  return async (args) => {
    const { keys, intentKeys } = deliveryKeysOf(args.body);
    const keysLedger =
      options.readOnlyLedger && options.isReadOnly?.(args.body) ? options.readOnlyLedger : ledger;
    let fresh = true;
    for (const key of keys) if (!(await keysLedger.claim(key))) fresh = false;
    if (fresh) for (const key of intentKeys) if (!(await intents.claim(key))) fresh = false;
    if (fresh) {
      await args.next();
      return;
    }
    options.logger.info(
      { keys, retryNum: args.context.retryNum, retryReason: args.context.retryReason },
      'ignored a repeated Slack delivery',
    );
    // Acknowledge, so Slack stops re-sending; the first delivery answers the user.
    if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
  };
}

/** Who did it and where, for an incoming request; null fields when the payload has none. */
export function actorOf(body: unknown): { user?: string; channel?: string; kind: string } {
  const b = bag(body);
  if (b.type === 'event_callback') {
    const event = bag(b.event);
    return {
      kind: `event:${String(event.type)}`,
      ...(str(event.user) ? { user: str(event.user) } : {}),
      ...(str(event.channel) ? { channel: str(event.channel) } : {}),
    };
  }
  if (str(b.command)) {
    return {
      kind: 'command',
      ...(str(b.user_id) ? { user: str(b.user_id) } : {}),
      ...(str(b.channel_id) ? { channel: str(b.channel_id) } : {}),
    };
  }
  const user = str(bag(b.user).id);
  const channel = str(bag(b.channel).id) ?? str(bag(b.container).channel_id);
  return { kind: String(b.type), ...(user ? { user } : {}), ...(channel ? { channel } : {}) };
}

/**
 * Events that carry a person asking for something (opening the Home tab shows customer data); other
 * events (joins) pass through.
 */
const GUARDED_EVENTS = new Set(['event:app_mention', 'event:message', 'event:app_home_opened']);

export interface AccessMiddlewareOptions {
  policy: AccessPolicy;
  logger: Logger;
}

export function createAccessMiddleware(options: AccessMiddlewareOptions): Middleware<AnyMiddlewareArgs> {
  const { policy, logger } = options;
  return async (args) => {
    const actor = actorOf(args.body);
    const b = bag(args.body);
    if (actor.kind === 'event:member_joined_channel' || actor.kind === 'event:member_left_channel') {
      policy.forget(actor.user);
      await args.next();
      return;
    }
    const guarded = actor.kind.startsWith('event:')
      ? GUARDED_EVENTS.has(actor.kind)
      : actor.kind !== 'undefined';
    // Messages without a person (bots, edits, joins) are not requests for data.
    if (!guarded || actor.user === undefined) {
      await args.next();
      return;
    }
    const decision =
      actor.channel === undefined
        ? await policy.checkUser(actor.user)
        : await policy.check(actor.user, actor.channel);
    if (decision.allowed) {
      await args.next();
      return;
    }
    logger.info(
      { kind: actor.kind, user: actor.user, channel: actor.channel, reason: decision.reason },
      'refused a request',
    );
    const ack =
      'ack' in args && typeof args.ack === 'function' ? (args.ack as (r?: unknown) => Promise<void>) : null;
    const text = decision.message;
    try {
      if (actor.kind === 'command') {
        await ack?.({ response_type: 'ephemeral', text });
        return;
      }
      if (actor.kind === 'block_suggestion') {
        await ack?.({ options: [] });
        return;
      }
      if (actor.kind === 'view_submission') {
        await ack?.({
          response_action: 'update',
          view: renderRefusalModal(text),
        });
        return;
      }
      await ack?.();
      // Plain messages are not addressed to the bot: drop them quietly rather than answer every
      // line typed in a channel the bot happens to be in.
      if (actor.kind === 'event:message') return;
      if (actor.kind === 'event:app_home_opened') {
        // The tab itself says why it holds nothing.
        await args.client.views.publish({ user_id: actor.user, view: renderRefusalHome(text) });
        return;
      }
      if (actor.channel !== undefined) {
        const thread = str(bag(b.event).thread_ts) ?? str(bag(b.container).thread_ts);
        await args.client.chat.postEphemeral({
          channel: actor.channel,
          user: actor.user,
          text,
          ...(thread ? { thread_ts: thread } : {}),
        });
      }
    } catch (error) {
      logger.warn({ err: error, user: actor.user }, 'could not deliver an access refusal');
    }
  };
}
