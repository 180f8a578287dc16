/**
 * Small Block Kit constructors and Slack-text helpers shared by the Slack renderers.
 * Typed with Slack's own Block Kit types (re-exported by @slack/bolt), so a misspelled field fails
 * type checking; sizes are checked separately by block-kit-limits.ts.
 */
import type { types } from '@slack/bolt';
import { escapeMrkdwn, singleLine } from '../format.ts';
import { truncateText } from './block-kit-limits.ts';

export type Block = types.KnownBlock;
export type ModalView = types.ModalView;

/** A message body: blocks plus the `text` fallback every message carries. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/**
 * A mrkdwn text object. `verbatim: true`: Slack does not auto-link URLs or channel names or parse
 * bare mentions in it, so customer text from a file (escaped by `userText`) is shown as text; the
 * links and mentions revgap means are written out explicitly (`<url|label>`, `<@U...>`).
 */
export function mrkdwn(text: string): types.MrkdwnElement {
  return { type: 'mrkdwn', text, verbatim: true };
}

export function plainText(text: string): types.PlainTextElement {
  return { type: 'plain_text', text, emoji: true };
}

export function section(text: string, blockId?: string): types.SectionBlock {
  return { type: 'section', text: mrkdwn(text), ...(blockId ? { block_id: blockId } : {}) };
}

export function header(text: string): types.HeaderBlock {
  return { type: 'header', text: plainText(truncateText(text, 150)) };
}

export function context(...texts: string[]): types.ContextBlock {
  return { type: 'context', elements: texts.slice(0, 10).map((t) => mrkdwn(t)) };
}

export function divider(): types.DividerBlock {
  return { type: 'divider' };
}

export function button(
  text: string,
  actionId: string,
  value: string,
  style?: 'primary' | 'danger',
): types.Button {
  return {
    type: 'button',
    text: plainText(truncateText(text, 75)),
    action_id: actionId,
    value,
    ...(style ? { style } : {}),
  };
}

/** Slack user ids look like U0123ABCD (or W… on Enterprise Grid). */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

export function isSlackUserId(value: string): boolean {
  return SLACK_USER_ID.test(value);
}

/** A mention for a Slack user id (`<@U123>`), otherwise the escaped text (an email, a name). */
export function ownerMrkdwn(owner: string | undefined, max = 80): string {
  if (!owner) return '_no owner_';
  return isSlackUserId(owner) ? `<@${owner}>` : escapeMrkdwn(truncateText(owner, max));
}

/** User data for mrkdwn: cut to `max` characters first, then escaped (escaping can only lengthen it). */
export function userText(text: string, max: number): string {
  return escapeMrkdwn(truncateText(text, max));
}

/** User data for plain_text and fallback `text`: one line, cut to `max`. */
export function plainUserText(text: string, max: number): string {
  return truncateText(singleLine(text), max);
}

/**
 * Fallback `text` (notifications, screen readers): one line, cut to `max`, and escaped because
 * Slack reads it as mrkdwn too (a name must not turn into a mention or a link).
 */
export function fallbackText(text: string, max = 500): string {
  return plainUserText(text, max).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
