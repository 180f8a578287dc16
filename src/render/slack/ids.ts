/**
 * Action, block and callback ids of revgap's Block Kit, and the compact values its buttons carry.
 * The Slack listeners register on these constants; the renderers put them in the blocks.
 *
 * Card block ids are derived from the customer id (see `cardBlockIds`), so the Slack layer can
 * find a customer's card in a posted digest and replace it in place with `chat.update`.
 */

/** Digest card buttons. */
export const ACTION_CLAIM = 'gap_claim';
export const ACTION_LOG = 'gap_log_followup';
/** Overflow menu on a card: snooze 1, 2 or 4 weeks. */
export const ACTION_SNOOZE = 'gap_snooze';
export const ACTION_DEEP_DIVE = 'gap_deep_dive';
/** The overflow menu on a compact digest line: Deep dive, Claim, Log follow-up, Snooze (`encodeLineOption`). */
export const ACTION_LINE_MENU = 'gap_line_menu';
/** The select naming the digest's customers beyond its compact lines: opens the one picked. */
export const ACTION_LINE_PICK = 'gap_line_pick';
/** "Release" (the claimer lets go of the gap) and "Unsnooze" (a snoozed gap back now), with the card's value. */
export const ACTION_RELEASE = 'gap_release';
export const ACTION_UNSNOOZE = 'gap_unsnooze';
/** "Share in channel" on an ephemeral deep dive. */
export const ACTION_SHARE = 'share_in_channel';
/** "Share" in the deep-dive modal: a short summary into the digest's thread. */
export const ACTION_SHARE_DIVE = 'deep_dive_share';
/** A customer chosen from a pick list (several fuzzy matches). */
export const ACTION_PICK_CUSTOMER = 'pick_customer';

/** Home tab: "Next page" / "Previous page" (value: the offset), and the "My digest by DM" toggle (value: on/off). */
export const ACTION_HOME_PAGE = 'home_page';
export const ACTION_HOME_DM_DIGEST = 'home_dm_digest';

/** Follow-up modal. */
export const CALLBACK_FOLLOW_UP = 'follow_up_modal';
export const BLOCK_FOLLOW_UP_OUTCOME = 'follow_up_outcome';
export const ACTION_FOLLOW_UP_OUTCOME = 'follow_up_outcome_select';
export const BLOCK_FOLLOW_UP_NEXT_STEP = 'follow_up_next_step';
export const ACTION_FOLLOW_UP_NEXT_STEP = 'follow_up_next_step_input';
export const BLOCK_FOLLOW_UP_DUE = 'follow_up_due';
export const ACTION_FOLLOW_UP_DUE = 'follow_up_due_date';
export const BLOCK_FOLLOW_UP_NOTE = 'follow_up_note';
export const ACTION_FOLLOW_UP_NOTE = 'follow_up_note_input';

/** Weeks offered by the snooze menu. */
export const SNOOZE_WEEKS = [1, 2, 4] as const;
export type SnoozeWeeks = (typeof SNOOZE_WEEKS)[number];

/** Longest customer id used as-is in block ids and values; longer ids are hashed (`#…`). */
const MAX_PLAIN_KEY = 64;

/** 53-bit FNV-1a style hash (pure, deterministic), as 14 hex digits. */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/**
 * A short, stable key for a customer: the id itself when it is at most 64 chars and does not
 * start with `#`, otherwise `#` + a 53-bit hash of it. Resolve a hashed key with `resolveCardKey`.
 */
export function cardKey(customerId: string): string {
  return customerId.length <= MAX_PLAIN_KEY && !customerId.startsWith('#')
    ? customerId
    : hashedKey(customerId);
}

/** The always-hashed key of a customer (`#` + 14 hex digits), for values with tight limits. */
export function hashedKey(customerId: string): string {
  return `#${hash53(customerId)}`;
}

/** The customer id among `customerIds` whose key is `key` (for a hashed key), or null. */
export function resolveCardKey(key: string, customerIds: Iterable<string>): string | null {
  if (!key.startsWith('#')) return key;
  for (const id of customerIds) if (hashedKey(id) === key) return id;
  return null;
}

/** Prefix of every digest card block id; the rest is `<part>:<cardKey>`. */
export const CARD_BLOCK_PREFIX = 'gap';

/** Block id of a customer's compact line in the digest parent: `gap:l:<key>`. */
export function lineBlockId(customerId: string): string {
  return `${CARD_BLOCK_PREFIX}:l:${cardKey(customerId)}`;
}

/** Block ids of a customer's card: `gap:s:<key>` (section) and `gap:a:<key>` (actions). */
export function cardBlockIds(customerId: string): { section: string; actions: string } {
  const key = cardKey(customerId);
  return { section: `${CARD_BLOCK_PREFIX}:s:${key}`, actions: `${CARD_BLOCK_PREFIX}:a:${key}` };
}

/** The card key in a card or line block id (`gap:s:C001` -> `C001`), or null for other blocks. */
export function cardKeyFromBlockId(blockId: string): string | null {
  const m = /^gap:[sal]:(.+)$/s.exec(blockId);
  return m ? m[1]! : null;
}

/** What a card button carries: the customer (id, or key when the id is very long) and the digest run. */
export interface CardActionValue {
  customerId?: string;
  /** Set instead of `customerId` when the id would not fit; resolve with `resolveCardKey`. */
  cardKey?: string;
  digestRunId?: string;
  /**
   * The private answer the button is in (`top 10`, `mine`, a customer id), so that a click on it can
   * render that answer again when Slack does not send the message's blocks (ephemeral messages).
   */
  origin?: string;
}

const MAX_BUTTON_VALUE = 2000;

/** Longest answer origin a button carries (a longer one is left out: that copy is not re-rendered). */
export const MAX_ORIGIN = 200;

/**
 * Compact JSON for a button value (`{"c":"C001","r":"run-7","o":"top 10"}`), always within 2000
 * chars; `origin` is the private answer the button is in (see `CardActionValue.origin`).
 */
export function encodeCardAction(customerId: string, digestRunId?: string, origin?: string): string {
  return encodeCustomerJson(
    customerId,
    {
      ...(digestRunId === undefined ? {} : { r: digestRunId }),
      ...(origin !== undefined && origin.length <= MAX_ORIGIN ? { o: origin } : {}),
    },
    MAX_BUTTON_VALUE,
  );
}

/**
 * Compact JSON naming a customer (`c`: its id) followed by `rest`, within `max` chars: when too long,
 * the customer's card key (`k`) instead of the id, then the card key alone. Read back with
 * `readCustomerJson`.
 */
export function encodeCustomerJson(customerId: string, rest: Record<string, string>, max: number): string {
  const full = JSON.stringify({ c: customerId, ...rest });
  if (full.length <= max) return full;
  const keyed = JSON.stringify({ k: cardKey(customerId), ...rest });
  return keyed.length <= max ? keyed : JSON.stringify({ k: cardKey(customerId) });
}

/** The customer (`c` or `k`) and digest run (`r`) of a parsed `encodeCustomerJson` value. */
export function readCustomerJson(o: Record<string, unknown>): CardActionValue {
  const out: CardActionValue = {};
  if (typeof o.c === 'string') out.customerId = o.c;
  if (typeof o.k === 'string') out.cardKey = o.k;
  if (typeof o.r === 'string') out.digestRunId = o.r;
  if (typeof o.o === 'string') out.origin = o.o;
  return out;
}

/** Reads a button value written by `encodeCardAction` (or a bare customer id); null if unreadable. */
export function decodeCardAction(value: string | undefined): CardActionValue | null {
  if (!value) return null;
  if (!value.startsWith('{')) return { customerId: value };
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const out = readCustomerJson(parsed as Record<string, unknown>);
    return out.customerId !== undefined || out.cardKey !== undefined ? out : null;
  } catch {
    return null;
  }
}

const MAX_OPTION_VALUE = 75;

/** An overflow option value for a snooze (at most 75 chars): `{"w":2,"k":"C001"}`, hashed key if long. */
export function encodeSnooze(customerId: string, weeks: SnoozeWeeks): string {
  const plain = JSON.stringify({ w: weeks, k: cardKey(customerId) });
  return plain.length <= MAX_OPTION_VALUE ? plain : JSON.stringify({ w: weeks, k: hashedKey(customerId) });
}

/** Reads a snooze option value; the card key also appears in the action's block id. */
export function decodeSnooze(value: string | undefined): { weeks: SnoozeWeeks; cardKey: string } | null {
  if (!value) return null;
  try {
    const o = JSON.parse(value) as Record<string, unknown>;
    const weeks = SNOOZE_WEEKS.find((w) => w === o.w);
    if (weeks === undefined || typeof o.k !== 'string') return null;
    return { weeks, cardKey: o.k };
  } catch {
    return null;
  }
}

/** What a compact digest line's menu can do; each dispatches to the card buttons' use-case. */
export type LineMenuAction =
  | { action: 'deep_dive' }
  | { action: 'claim' }
  | { action: 'log' }
  | { action: 'snooze'; weeks: SnoozeWeeks };

const LINE_ACTION_CODES = { deep_dive: 'd', claim: 'c', log: 'l', snooze: 's' } as const;

/** A line menu option value (at most 75 chars): `{"a":"s","w":2,"k":"C001"}`, hashed key if long. */
export function encodeLineOption(customerId: string, what: LineMenuAction): string {
  const rest = { a: LINE_ACTION_CODES[what.action], ...(what.action === 'snooze' ? { w: what.weeks } : {}) };
  const plain = JSON.stringify({ ...rest, k: cardKey(customerId) });
  return plain.length <= MAX_OPTION_VALUE ? plain : JSON.stringify({ ...rest, k: hashedKey(customerId) });
}

/** Reads a line menu option value; null if unreadable. */
export function decodeLineOption(value: string | undefined): (LineMenuAction & { cardKey: string }) | null {
  if (!value) return null;
  try {
    const o = JSON.parse(value) as Record<string, unknown>;
    if (typeof o.k !== 'string') return null;
    const cardKey = o.k;
    switch (o.a) {
      case 'd':
        return { action: 'deep_dive', cardKey };
      case 'c':
        return { action: 'claim', cardKey };
      case 'l':
        return { action: 'log', cardKey };
      case 's': {
        const weeks = SNOOZE_WEEKS.find((w) => w === o.w);
        return weeks === undefined ? null : { action: 'snooze', weeks, cardKey };
      }
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/** A pick-list option value naming a customer (at most 75 chars): `{"k":"C001"}`, hashed key if long. */
export function encodeLinePick(customerId: string): string {
  const plain = JSON.stringify({ k: cardKey(customerId) });
  return plain.length <= MAX_OPTION_VALUE ? plain : JSON.stringify({ k: hashedKey(customerId) });
}

/** The card key of a pick-list option value, or null. */
export function decodeLinePick(value: string | undefined): string | null {
  if (!value) return null;
  try {
    const o = JSON.parse(value) as Record<string, unknown>;
    return typeof o.k === 'string' ? o.k : null;
  } catch {
    return null;
  }
}
