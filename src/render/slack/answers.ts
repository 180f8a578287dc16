/**
 * The small Slack answers around `/revgap`, `@revgap` and the card buttons: no analysis yet, a
 * failure said in plain words, a notice, the "Share in channel" button and its "Shared by" line,
 * and the report-uploaded confirmations. Every Block Kit literal of those answers lives here.
 */
import { button, ownerMrkdwn, userText } from './_blocks.ts';
import { ACTION_RELEASE, ACTION_SHARE } from './ids.ts';
import type { SlackMessage } from './message.ts';

/** One mrkdwn section with the same text as its fallback. */
export function renderNotice(text: string): SlackMessage {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export function renderNoSnapshot(): SlackMessage {
  return {
    text: 'revgap has no analysis to answer from yet.',
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            ':hourglass: revgap has no analysis to answer from yet: it runs at start-up and before each digest. ' +
            'Try again in a minute; if this persists, an admin should check the revgap log.',
        },
      },
    ],
  };
}

/** A failed answer: `what` says what went wrong and what to do. */
export function renderFailure(what: string): SlackMessage {
  return { text: what, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${what}` } }] };
}

/**
 * A "Share in channel" button under a private answer, carrying the query to answer again (`q`);
 * unchanged when the answer has one already, or when the button would not fit.
 */
export function withShareButton(message: SlackMessage, query: string): SlackMessage {
  const already = message.blocks.some(
    (b) => b.type === 'actions' && b.elements.some((e) => 'action_id' in e && e.action_id === ACTION_SHARE),
  );
  const value = JSON.stringify({ q: query });
  if (already || value.length > 2000 || message.blocks.length >= 50) return message;
  return {
    text: message.text,
    blocks: [
      ...message.blocks,
      {
        type: 'actions',
        block_id: 'share',
        elements: [
          {
            type: 'button',
            action_id: ACTION_SHARE,
            text: { type: 'plain_text', text: 'Share in channel' },
            value,
          },
        ],
      },
    ],
  };
}

/** A shared answer, signed "Shared by <@user>" when a block is left for it. */
export function withSharedBy(message: SlackMessage, userId: string): SlackMessage {
  if (message.blocks.length >= 50) return message;
  return {
    text: message.text,
    blocks: [
      ...message.blocks,
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Shared by <@${userId}>` }] },
    ],
  };
}

/** `/revgap report`: the file is in the channel. */
/** `/revgap report` or `@revgap report`: the file went to the asker's direct messages with revgap. */
export function renderReportSentByDm(period: string): SlackMessage {
  return renderNotice(
    `:page_facing_up: The full report, ${period}, is in your direct messages with revgap (only you see it). ` +
      'To show it to the team, share the file from there.',
  );
}

/** Why a card action changed nothing (see use-cases/record-follow-up.ts `FollowUpRefusal`). */
export type RefusedAction =
  | { kind: 'already_yours'; customerName: string; value: string }
  | { kind: 'not_yours'; customerName: string; ownerUserId?: string }
  | { kind: 'not_snoozed'; customerName: string };

/**
 * The private answer to an action that changed nothing: the holder who clicked Take over (or Claim)
 * on their own gap is offered Release; Release of someone else's gap and Unsnooze of a gap that is
 * not snoozed say why not and what to do instead.
 */
export function renderRefusedAction(refused: RefusedAction): SlackMessage {
  const name = `*${userText(refused.customerName, 120)}*`;
  switch (refused.kind) {
    case 'already_yours': {
      const text =
        `You are already on ${name}: nothing changed. ` +
        'If you are not following it up any more, release it: it goes back to open, for anyone to claim.';
      return {
        text,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text } },
          { type: 'actions', elements: [button('Release', ACTION_RELEASE, refused.value)] },
        ],
      };
    }
    case 'not_yours':
      return renderNotice(
        refused.ownerUserId
          ? `${ownerMrkdwn(refused.ownerUserId)} is on ${name}, so only they can release it. To take it yourself, use *Take over* on its card.`
          : `Nobody is on ${name}: there is nothing to release. Use *Claim* on its card to take it.`,
      );
    case 'not_snoozed':
      return renderNotice(`${name} is not snoozed (any more): it is in the digest already.`);
  }
}

/** A follow-up typed as a command (`@revgap log …`, `@revgap snooze …`) that could not be recorded. */
export type FollowUpCommandProblem =
  | { kind: 'syntax'; syntax: string }
  | {
      kind: 'several';
      query: string;
      candidates: { name: string; customerId: string }[];
      total: number;
      example: string;
    }
  | { kind: 'none'; query: string; suggestions: { name: string; customerId: string }[]; example: string };

/**
 * What went wrong with a typed follow-up, and how to write it: the syntax, the customers a name
 * matches (with their ids, to say which), or the nearest names when none matches. Nothing recorded.
 */
export function renderFollowUpCommandProblem(problem: FollowUpCommandProblem): SlackMessage {
  const customerLine = (c: { name: string; customerId: string }) =>
    `• *${userText(c.name, 80)}*: \`${userText(c.customerId, 60)}\``;
  switch (problem.kind) {
    case 'syntax':
      return renderNotice(`Nothing recorded: I did not understand that. Write it as ${problem.syntax}.`);
    case 'several': {
      const more =
        problem.total > problem.candidates.length
          ? `\n…and ${problem.total - problem.candidates.length} more.`
          : '';
      return renderNotice(
        `Nothing recorded: ${problem.total} customers match “${userText(problem.query, 80)}”. ` +
          `Say which by its id, e.g. ${problem.example}\n${problem.candidates.map(customerLine).join('\n')}${more}`,
      );
    }
    case 'none':
      return renderNotice(
        `Nothing recorded: no customer matches “${userText(problem.query, 80)}”.` +
          (problem.suggestions.length > 0
            ? ` Did you mean one of these? Use its name or id, e.g. ${problem.example}\n${problem.suggestions.map(customerLine).join('\n')}`
            : ' Try the customer id, or part of the name.'),
      );
  }
}
