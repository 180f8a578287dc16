/**
 * Follow-ups typed instead of clicked: `@revgap log <customer>: <note>` and `@revgap snooze
 * <customer> 2w` (also as `/revgap …`). The customer is found with the same fuzzy matcher as a deep
 * dive (find-customer.ts); one match is recorded exactly like the buttons (record-follow-up.ts: the
 * event, the digest thread reply, the digest's copies); several matches or none answer privately with
 * the candidates and how to say which, and nothing is recorded.
 */
import { AppError } from '../errors.ts';
import {
  type FollowUpCommandProblem,
  renderFollowUpCommandProblem,
  renderNoSnapshot,
  renderNotice,
} from '../render/slack/answers.ts';
import type { SlackMessage } from '../render/slack/message.ts';
import { FOLLOW_UP_SYNTAX, type RevgapRequest } from './parse-revgap-command.ts';
import { type RecordFollowUpDeps, recordFollowUp } from './record-follow-up.ts';

export type TypedFollowUp = Extract<RevgapRequest, { kind: 'log' | 'snooze' }>;

export interface TypedFollowUpInput {
  request: TypedFollowUp;
  userId: string;
  /** Where it was typed: the channel, and the thread (a digest's thread finds that digest). */
  channel: string;
  threadTs?: string;
  /** Idempotency key of the delivery (the same mention delivered twice records once). */
  eventId: string;
}

/** The same command for another customer (its id), as an example to copy. */
function exampleFor(request: TypedFollowUp, customerId: string): string {
  return request.kind === 'log'
    ? `\`@revgap log ${customerId}: ${oneLine(request.note, 60)}\``
    : `\`@revgap snooze ${customerId} ${request.weeks}w\``;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').replace(/`/g, "'").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/**
 * Records a typed follow-up. Resolves to the private answer to show the writer, or null when the
 * reply went where they wrote (the digest thread they wrote in), or nothing was new (a re-sent event).
 */
export async function recordTypedFollowUp(
  input: TypedFollowUpInput,
  deps: RecordFollowUpDeps,
): Promise<SlackMessage | null> {
  const { request } = input;
  const loaded = deps.snapshots.current() ?? (await deps.snapshots.load());
  if (!loaded) return renderNoSnapshot();
  const match = loaded.index.find(request.query);
  if (match.kind !== 'found') {
    const list = (match.kind === 'several' ? match.candidates : match.suggestions)
      .slice(0, 5)
      .map((c) => ({ name: c.name, customerId: c.customerId }));
    const example = exampleFor(request, list[0]?.customerId ?? 'C-1042');
    const problem: FollowUpCommandProblem =
      match.kind === 'several'
        ? { kind: 'several', query: request.query, candidates: list, total: match.total, example }
        : { kind: 'none', query: request.query, suggestions: list, example };
    return renderFollowUpCommandProblem(problem);
  }
  const result = await recordFollowUp(
    {
      kind: request.kind === 'log' ? 'follow_up' : 'snooze',
      customerId: match.customer.customerId,
      userId: input.userId,
      eventId: input.eventId,
      channel: input.channel,
      messageTs: input.threadTs ?? '',
      ...(request.kind === 'log' ? { note: request.note } : { snoozeWeeks: request.weeks }),
    },
    deps,
  );
  if (result.refused) throw new AppError('INTERNAL', `typed follow-up refused: ${result.refused}`);
  if (!result.recorded || !result.reply) return null;
  // Recorded: said in the digest thread (or privately when no digest shows the customer). Written
  // somewhere else: tell the writer where it went.
  const inPlace =
    !result.replyIn ||
    (result.replyIn.channel === input.channel && result.replyIn.threadTs === input.threadTs);
  return inPlace ? null : renderNotice(`Recorded, and said in the digest thread: ${result.reply}`);
}

/** A `log` or `snooze` that did not parse, as the answer to show (the command's syntax). */
export function typedFollowUpSyntax(hint: 'log' | 'snooze'): SlackMessage {
  return renderFollowUpCommandProblem({ kind: 'syntax', syntax: FOLLOW_UP_SYNTAX[hint] });
}
