/**
 * Keys that identify one delivery from Slack, so a re-sent event, command or click changes state
 * once and is answered once.
 *
 * Slack delivers at least once: it re-sends unacknowledged events (HTTP `X-Slack-Retry-Num`, Socket
 * Mode `retry_attempt`) with the same `event_id`, and a re-sent command or interaction carries the
 * same payload. So an event is keyed by its id and a command/interaction by a hash of the payload
 * fields that are fixed for one user gesture (its `trigger_id`/`action_ts` included), which a new
 * gesture always changes. `actionIntentKey` is looser on purpose: the same button on the same
 * message by the same user, whatever the click time, for a short window against double clicks.
 */
import { createHash } from 'node:crypto';

type Bag = Record<string, unknown>;
const bag = (v: unknown): Bag => (typeof v === 'object' && v !== null ? (v as Bag) : {});
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** JSON with sorted keys, so equal payloads hash equally whatever their key order. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Bag)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const digest = (parts: unknown): string =>
  createHash('sha256').update(stableStringify(parts)).digest('hex').slice(0, 32);

/** `event:<event_id>` from an Events API envelope, or null when there is no id to trust. */
export function eventDeliveryKey(envelope: unknown): string | null {
  const id = str(bag(envelope).event_id);
  return id ? `event:${id}` : null;
}

/**
 * A message-shaped event by type + team + channel + message ts: Slack has re-sent one message under
 * new event ids. The type is part of the key because one message legitimately arrives twice, as a
 * `message` and as an `app_mention` event, and both must be handled.
 */
export function messageDeliveryKey(event: unknown, teamId?: string): string | null {
  const e = bag(event);
  const ts = str(e.event_ts || e.ts);
  const channel = str(e.channel);
  const type = str(e.type) || 'message';
  return ts && channel ? `${type}:${teamId ?? str(e.team)}:${channel}:${ts}` : null;
}

/** A slash command payload (form fields as Bolt parses them). */
export function commandDeliveryKey(command: unknown): string {
  const c = bag(command);
  return `command:${digest([c.team_id, c.channel_id, c.user_id, c.command, c.text, c.trigger_id])}`;
}

interface ActionParts {
  team: string;
  user: string;
  container: string;
  actionId: string;
  blockId: string;
  value: string;
  actionTs: string;
}

function actionParts(body: unknown, action?: unknown): ActionParts {
  const b = bag(body);
  const a = bag(action ?? (Array.isArray(b.actions) ? b.actions[0] : undefined));
  const container = bag(b.container);
  const message = bag(b.message);
  const view = bag(b.view);
  const where =
    str(container.message_ts) ||
    str(message.ts) ||
    str(container.view_id) ||
    str(view.id) ||
    str(container.channel_id);
  const selected = a.selected_option ? bag(a.selected_option).value : a.selected_date;
  return {
    team: str(bag(b.team).id),
    user: str(bag(b.user).id),
    container: `${str(container.channel_id) || str(bag(b.channel).id)}/${where}`,
    actionId: str(a.action_id),
    blockId: str(a.block_id),
    value: str(a.value ?? selected),
    actionTs: str(a.action_ts),
  };
}

/** One click as Slack sent it: a re-send of it has the same key, a second click does not. */
export function actionDeliveryKey(body: unknown, action?: unknown): string {
  const p = actionParts(body, action);
  return `action:${digest([p.team, p.user, p.container, p.actionId, p.blockId, p.value, p.actionTs])}`;
}

/** The same button on the same message by the same user, whenever clicked (double-click guard). */
export function actionIntentKey(body: unknown, action?: unknown): string {
  const p = actionParts(body, action);
  return `intent:${digest([p.team, p.user, p.container, p.actionId, p.blockId, p.value])}`;
}

/** A modal submission: the view id and hash change with every update, the values with every edit. */
export function viewSubmissionKey(body: unknown): string {
  const b = bag(body);
  const view = bag(b.view);
  return `view:${digest([str(bag(b.user).id), view.id, view.hash, bag(view.state).values])}`;
}

/**
 * Remembers delivery keys for a while. `claim` answers true exactly once per key within the TTL,
 * so the caller that gets true does the work and answers; the others only acknowledge.
 */
export interface DeliveryLedger {
  claim(key: string): Promise<boolean>;
}

/**
 * In-process ledger (one instance, or a fast path before a store-backed one). Bounded: the oldest
 * keys go first once `maxEntries` is reached.
 */
export function createMemoryDeliveryLedger(
  options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
): DeliveryLedger & { size(): number } {
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  const maxEntries = options.maxEntries ?? 50_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, number>();
  return {
    async claim(key) {
      const t = now();
      const expires = seen.get(key);
      if (expires !== undefined && expires > t) return false;
      seen.delete(key);
      seen.set(key, t + ttlMs);
      // Map keeps insertion order: evict expired and then oldest entries.
      for (const [k, exp] of seen) {
        if (seen.size <= maxEntries && exp > t) break;
        seen.delete(k);
      }
      return true;
    },
    size: () => seen.size,
  };
}
