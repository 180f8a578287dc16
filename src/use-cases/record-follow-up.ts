/**
 * A follow-up taken from a digest card or line (Claim, Log follow-up, Snooze): store it, say so in
 * the digest's thread ("<@alice> claimed Acme Corp"), and re-render the customer's full card (thread)
 * and compact line (parent) in place with `chat.update`, so every copy in the digest says who has it.
 *
 * Slack delivers at least once, so the event id comes from the delivery (same click, same id) and
 * the store keeps one event per id: a re-sent click records nothing and posts nothing twice.
 */
import { priorityOfCustomer } from '../core/analyze.ts';
import type { FollowUpEvent, FollowUpOutcome, GapState, NetCents, Priority } from '../core/types.ts';
import type { Logger } from '../logger.ts';
import { escapeMrkdwn, OUTCOME_LABELS } from '../render/format.ts';
import { renderGapCard, replaceCard } from '../render/slack/card.ts';
import { renderDigestLine, replaceLine } from '../render/slack/digest-line.ts';
import type { RecoveryStore } from '../store/recovery-store.ts';
import type { DigestRun, DigestRunStore, FollowUpStore } from '../store/state-store.ts';
import { type AccountManagerDirectory, looksLikeUserId } from './account-managers.ts';
import { startFollowedUpGap } from './measure-recovery.ts';
import type { AnyBlock, ChatPort } from './ports.ts';
import type { SnapshotHolder } from './refresh-snapshot.ts';

/** Follow-ups, and the digest runs a card's message belongs to. */
export type RecordFollowUpStore = FollowUpStore & DigestRunStore;

export interface RecordFollowUpDeps {
  slack: Pick<ChatPort, 'postMessage' | 'postEphemeral' | 'updateMessage' | 'fetchMessage'>;
  /** Shows account managers given by email as Slack users on the re-rendered card (optional). */
  people?: AccountManagerDirectory;
  store: RecordFollowUpStore;
  snapshots: SnapshotHolder;
  logger: Logger;
  now: () => Date;
  /** Where a claim or logged follow-up starts a followed-up gap (measured recovery; optional). */
  recovery?: RecoveryStore;
  /** Called once per newly recorded follow-up (re-publishes the actor's Home tab); failures only logged. */
  onRecorded?: (event: FollowUpEvent) => Promise<void>;
}

export interface FollowUpInput {
  kind: FollowUpEvent['kind'];
  customerId: string;
  userId: string;
  /** Idempotency key of the Slack delivery (same click or submission -> same id). */
  eventId: string;
  /** The digest message the card is in. */
  channel: string;
  messageTs: string;
  /** That message's blocks and text, when the payload carried them (button clicks do). */
  messageBlocks?: readonly AnyBlock[];
  messageText?: string;
  /** Digest run the card belongs to, when its button said so. */
  digestRunId?: string;
  outcome?: FollowUpOutcome;
  nextStep?: string;
  /** YYYY-MM-DD the next step is due (a reminder that day). */
  nextStepDue?: string;
  note?: string;
  snoozeWeeks?: number;
}

export interface FollowUpResult {
  /** False when the same delivery was recorded before (nothing posted again), or when refused. */
  recorded: boolean;
  /** Set when the action did not apply (nothing recorded, nothing posted): tell the clicker why. */
  refused?: FollowUpRefusal;
  state: GapState | undefined;
  customerName: string;
  /** The thread reply text, when one was posted. */
  reply: string | null;
  /** Where the reply went, when it went into a digest's thread (else privately, or nowhere). */
  replyIn?: { channel: string; threadTs: string };
  cardUpdated: boolean;
}

const DAY_MS = 86_400_000;

/** The short thread reply announcing a follow-up (mrkdwn); `before` is the gap's state before it. */
export function describeFollowUp(event: FollowUpEvent, customerName: string, before?: GapState): string {
  const who = `<@${event.userId}>`;
  const name = `*${escapeMrkdwn(customerName)}*`;
  // Someone else's account: the thread reply starts with its owner, so Slack tells them.
  const owner = event.previousOwnerUserId ? `<@${event.previousOwnerUserId}>, ` : '';
  switch (event.kind) {
    case 'claim': {
      // As the card's button says: Reopen (closed), Take over (someone on it), Claim.
      if (before?.status === 'lost' || before?.status === 'dismissed')
        return `${who} reopened and claimed ${name}`;
      return owner ? `${owner}${who} took over ${name} from you` : `${who} claimed ${name}`;
    }
    case 'release':
      return `${who} released ${name}: nobody is on it now`;
    case 'snooze': {
      const until = event.snoozeUntil ? ` until ${event.snoozeUntil}` : '';
      return owner ? `${owner}${who} snoozed your account ${name}${until}` : `${who} snoozed ${name}${until}`;
    }
    case 'unsnooze':
      return `${who} unsnoozed ${name}: it is back in the digest`;
    case 'follow_up': {
      const parts = [`${who} logged a follow-up on ${name}`];
      if (event.outcome) parts[0] += `: ${OUTCOME_LABELS[event.outcome]}`;
      const due = event.nextStepDue ? ` (due ${event.nextStepDue})` : '';
      if (event.nextStep) parts.push(`Next step${due}: ${escapeMrkdwn(oneLine(event.nextStep, 300))}`);
      else if (due) parts.push(`Next step due ${event.nextStepDue}`);
      if (event.note) parts.push(`Note: ${escapeMrkdwn(oneLine(event.note, 500))}`);
      return parts.join('\n');
    }
  }
}

/**
 * Why an action was not recorded although the click was new: the clicker already holds the gap
 * (a Claim or Take over on their own gap: offer Release), someone else holds it (Release), or it is
 * not snoozed (Unsnooze).
 */
export type FollowUpRefusal = 'already_yours' | 'not_yours' | 'not_snoozed';

/** Statuses in which someone is working on the gap. */
const WORKING: ReadonlySet<GapState['status']> = new Set(['claimed', 'contacted', 'recovering']);

/** Why `kind` by `userId` does not apply to a gap in state `before`, or null when it does. */
export function refusalOf(
  kind: FollowUpEvent['kind'],
  userId: string,
  before: GapState | undefined,
): FollowUpRefusal | null {
  const holds = before?.ownerUserId === userId && WORKING.has(before.status);
  if (kind === 'claim' && holds) return 'already_yours';
  // Their own snoozed gap can be released too (the snooze ends with it).
  const releasable = holds || (before?.ownerUserId === userId && before.status === 'snoozed');
  if (kind === 'release' && !releasable) return 'not_yours';
  if (kind === 'unsnooze' && before?.status !== 'snoozed') return 'not_snoozed';
  return null;
}

/**
 * Whose gap `userId` acts on when it is not theirs: a take-over (the one working on it), a snooze of
 * a gap someone else is working on or, when nobody is, of an account another account manager has
 * (`accountManagerUserId`, a Slack user id).
 */
export function previousOwnerOf(
  kind: FollowUpEvent['kind'],
  userId: string,
  before: GapState | undefined,
  accountManagerUserId?: string,
): string | undefined {
  if (kind !== 'claim' && kind !== 'snooze') return undefined;
  const owner = before?.ownerUserId;
  const working =
    owner !== undefined &&
    before?.status !== 'open' &&
    before?.status !== 'lost' &&
    before?.status !== 'dismissed';
  if (working) return owner === userId ? undefined : owner;
  if (kind === 'snooze' && accountManagerUserId && accountManagerUserId !== userId)
    return accountManagerUserId;
  return undefined;
}

/**
 * The account manager as a confirmed Slack user id (given by email: looked up; a value that only
 * looks like an id, such as UNASSIGNED, is not one), or undefined. Needs the directory.
 */
async function accountManagerUserId(
  accountManager: string | undefined,
  deps: Pick<RecordFollowUpDeps, 'people'>,
): Promise<string | undefined> {
  if (!accountManager || !deps.people) return undefined;
  const [shown] = await deps.people.withSlackUsers([{ accountManager }]);
  const id = shown?.accountManager;
  return id && looksLikeUserId(id) ? id : undefined;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export async function recordFollowUp(
  input: FollowUpInput,
  deps: RecordFollowUpDeps,
): Promise<FollowUpResult> {
  const log = deps.logger.child({ component: 'follow-up', customerId: input.customerId, kind: input.kind });
  const now = deps.now();
  const today = now.toISOString().slice(0, 10);
  const snapshot = await deps.snapshots.load();
  const customer = snapshot?.index.byId(input.customerId);
  const customerName = customer?.name ?? input.customerId;

  const run = await findRun(input, deps.store);
  const event: FollowUpEvent = {
    id: input.eventId,
    customerId: input.customerId,
    kind: input.kind,
    userId: input.userId,
    at: now.toISOString(),
    ...(input.outcome ? { outcome: input.outcome } : {}),
    ...(input.nextStep?.trim() ? { nextStep: input.nextStep.trim() } : {}),
    ...(input.nextStepDue ? { nextStepDue: input.nextStepDue } : {}),
    ...(input.note?.trim() ? { note: input.note.trim() } : {}),
    ...(input.kind === 'snooze'
      ? {
          snoozeUntil: new Date(now.getTime() + (input.snoozeWeeks ?? 1) * 7 * DAY_MS)
            .toISOString()
            .slice(0, 10),
        }
      : {}),
    ...(run ? { digestRunId: run.id } : {}),
    ...(customer ? { gapAmountCents: customer.gapAmountCents } : {}),
  };
  const before = (await deps.store.getGapStates([input.customerId], { today })).get(input.customerId);
  const history = await deps.store.listFollowUps(input.customerId);
  if (history.some((e) => e.id === input.eventId)) {
    log.info({ eventId: input.eventId }, 'follow-up already recorded (re-sent delivery); nothing to do');
    return { recorded: false, state: before, customerName, reply: null, cardUpdated: false };
  }
  const refused = refusalOf(input.kind, input.userId, before);
  if (refused) {
    // Nothing changes (no second claim in the history): the caller tells the clicker why.
    log.info({ eventId: input.eventId, refused }, 'follow-up refused');
    return { recorded: false, refused, state: before, customerName, reply: null, cardUpdated: false };
  }
  const manager =
    input.kind === 'snooze' ? await accountManagerUserId(customer?.accountManager, deps) : undefined;
  const previousOwner = previousOwnerOf(input.kind, input.userId, before, manager);
  if (previousOwner) event.previousOwnerUserId = previousOwner;
  const recorded = await deps.store.recordFollowUp(event);
  const state = (await deps.store.getGapStates([input.customerId], { today })).get(input.customerId);
  if (!recorded) {
    log.info({ eventId: input.eventId }, 'follow-up already recorded (re-sent delivery); nothing to do');
    return { recorded, state, customerName, reply: null, cardUpdated: false };
  }
  if (deps.recovery) {
    // b0 and c0 come from the analysis the action was taken on; a failure only costs the measure.
    await startFollowedUpGap(event, snapshot?.snapshot.result, deps.recovery).catch((error: unknown) =>
      log.error({ err: error }, 'could not record the followed-up gap'),
    );
  }
  if (deps.onRecorded) {
    // After the reply and card update would be nicer, but those may return early; the hook is cheap.
    await deps
      .onRecorded(event)
      .catch((error: unknown) => log.warn({ err: error }, 'after-follow-up hook failed'));
  }

  const reply = describeFollowUp(event, customerName, before);
  if (!run) {
    // Not from a digest (e.g. a deep dive) and no digest shows this customer: confirm privately.
    await deps.slack.postEphemeral({ channel: input.channel, user: input.userId, text: reply });
    log.info({ eventId: input.eventId, status: state?.status }, 'follow-up recorded outside a digest');
    return { recorded, state, customerName, reply, cardUpdated: false };
  }
  // The digest's thread: under its parent message (continuations live in the same thread).
  const parentTs = run.parts.find((p) => p.partIndex === 0)?.ts ?? input.messageTs;
  await deps.slack.postMessage({ channel: run.channel, threadTs: parentTs, text: reply });

  let cardUpdated = false;
  const listed = snapshot?.snapshot.result.priorities.find((p) => p.customerId === input.customerId);
  const found = listed ?? (customer ? priorityOfCustomer(customer) : null);
  const priority = found && deps.people ? ((await deps.people.withSlackUsers([found]))[0] ?? found) : found;
  const shown = run.priorities.find((p) => p.customerId === input.customerId);
  const cardTs = run.parts.find((p) => p.partIndex === (shown?.partIndex ?? 0))?.ts;
  if (priority && snapshot && shown && cardTs) {
    cardUpdated = await updateDigestCopies(
      { channel: run.channel, cardTs, parentTs, customerId: input.customerId, clicked: input },
      priority,
      state,
      { currency: snapshot.settings.currency, series: customer?.series ?? [], digestRunId: run.id, deps },
    );
  }
  log.info({ eventId: input.eventId, status: state?.status, cardUpdated }, 'follow-up recorded');
  return {
    recorded,
    state,
    customerName,
    reply,
    cardUpdated,
    replyIn: { channel: run.channel, threadTs: parentTs },
  };
}

/** The digest the card is in; else the latest digest that shows this customer; else null. */
/**
 * The digest a click is about: the one holding the message clicked, else the run its button named,
 * else the latest digest if it shows the customer; null when no digest does.
 */
export async function findRun(
  input: Pick<FollowUpInput, 'channel' | 'messageTs' | 'digestRunId' | 'customerId'>,
  store: Pick<DigestRunStore, 'findDigestByMessage' | 'getDigestRunById' | 'listDigestRuns'>,
): Promise<DigestRun | null> {
  const byMessage = await store.findDigestByMessage(input.channel, input.messageTs);
  if (byMessage) return byMessage;
  if (input.digestRunId) {
    const byId = await store.getDigestRunById(input.digestRunId);
    if (byId) return byId;
  }
  const [latest] = await store.listDigestRuns(1);
  return latest?.priorities.some((p) => p.customerId === input.customerId) ? latest : null;
}

/** A digest message's blocks and text as this process last wrote them. */
interface WrittenMessage {
  blocks: readonly AnyBlock[];
  text: string;
}

type DigestMessageEntry = { queue: Promise<unknown>; written: WrittenMessage | null };
/**
 * Per chat workspace (its `ChatPort`), the digest messages this process updates: one update at a
 * time each, and what it last wrote.
 */
const digestMessagesByChat = new WeakMap<object, Map<string, DigestMessageEntry>>();
/** Messages remembered; the oldest is forgotten past this (it is fetched again if needed). */
const DIGEST_MESSAGES_KEPT = 500;

/**
 * Runs `update` on the message `key` after the updates queued before it (two follow-ups on different
 * customers of one digest message must not each write their own copy over the other's), passing what
 * this process last wrote to it.
 */
function oneUpdateAtATime<T>(
  chat: object,
  key: string,
  update: (written: WrittenMessage | null) => Promise<{ result: T; written?: WrittenMessage }>,
): Promise<T> {
  let digestMessages = digestMessagesByChat.get(chat);
  if (!digestMessages) {
    digestMessages = new Map();
    digestMessagesByChat.set(chat, digestMessages);
  }
  const entry = digestMessages.get(key) ?? { queue: Promise.resolve(), written: null };
  digestMessages.delete(key);
  digestMessages.set(key, entry);
  if (digestMessages.size > DIGEST_MESSAGES_KEPT) {
    const oldest = digestMessages.keys().next().value;
    if (oldest !== undefined) digestMessages.delete(oldest);
  }
  const run = entry.queue.then(async () => {
    const outcome = await update(entry.written);
    if (outcome.written) entry.written = outcome.written;
    return outcome.result;
  });
  entry.queue = run.catch(() => undefined);
  return run;
}

/**
 * Re-renders every copy of a customer in a digest and swaps each in with chat.update: its full card
 * (in the thread) and its compact line (in the parent), one update per message. True when the card
 * was updated.
 */
async function updateDigestCopies(
  target: {
    channel: string;
    cardTs: string;
    parentTs: string;
    customerId: string;
    /** The message clicked: its blocks are the current ones when it is one of the digest's. */
    clicked: Pick<FollowUpInput, 'channel' | 'messageTs' | 'messageBlocks' | 'messageText'>;
  },
  priority: Priority,
  state: GapState | undefined,
  options: { currency: string; series: NetCents; digestRunId: string; deps: RecordFollowUpDeps },
): Promise<boolean> {
  const { deps } = options;
  const card = renderGapCard(priority, state, {
    currency: options.currency,
    series: options.series,
    digestRunId: options.digestRunId,
  }) as AnyBlock[];
  const line = renderDigestLine(priority, state, options.currency) as AnyBlock;
  const swap = (blocks: readonly AnyBlock[]) => {
    const withCard = replaceCard(blocks, target.customerId, card);
    const withLine = replaceLine(withCard.blocks, target.customerId, line);
    return {
      blocks: withLine.blocks,
      card: withCard.replaced,
      changed: withCard.replaced || withLine.replaced,
    };
  };
  const update = (ts: string): Promise<{ card: boolean }> =>
    oneUpdateAtATime(deps.slack, `${target.channel}:${ts}`, async (written) => {
      const { clicked } = target;
      // What the message says now: what this process last wrote to it (a click's payload can
      // predate that write), else the payload of a click on it, else Slack's copy.
      let current: WrittenMessage | null | undefined = written;
      if (
        !current &&
        clicked.channel === target.channel &&
        clicked.messageTs === ts &&
        clicked.messageBlocks
      ) {
        current = { blocks: clicked.messageBlocks, text: clicked.messageText ?? '' };
      }
      current ??= await deps.slack.fetchMessage(target.channel, ts, target.parentTs);
      if (!current) return { result: { card: false } };
      const swapped = swap(current.blocks);
      if (!swapped.changed) return { result: { card: false } };
      const message = { text: current.text || 'revgap weekly digest', blocks: swapped.blocks };
      await deps.slack.updateMessage({ channel: target.channel, ts, ...message });
      return { result: { card: swapped.card }, written: message };
    });
  const { card: cardUpdated } = await update(target.cardTs);
  // The parent holds the customer's line (a digest posted before lines held its cards there).
  if (target.parentTs !== target.cardTs) {
    // The follow-up is recorded and the card shows it: a failure here only leaves the line behind.
    await update(target.parentTs).catch((error: unknown) =>
      deps.logger.error({ err: error, customerId: target.customerId }, 'could not update the digest line'),
    );
  }
  return cardUpdated;
}
