/**
 * Operator-facing Slack messages: the admin-channel failure notice (what failed, why, the fix, a
 * reference for the logs) and the modal shown when an access rule refuses a form submission. The
 * Slack adapter (src/slack/reliability) decides when to send them; the wording and Block Kit live here.
 */
import type { types } from '@slack/bolt';
import type { ModalView, SlackMessage } from './message.ts';

/** The admin notice; every text is already free of secrets (the caller scrubs them). */
export function renderAdminNotice(notice: {
  what: string;
  why: string;
  fix: string;
  reference?: string;
}): SlackMessage {
  const lines = [
    `:warning: revgap could not ${notice.what}.`,
    `*Why:* ${notice.why}`,
    `*Fix:* ${notice.fix}`,
  ];
  const text = `${lines.join('\n')}${notice.reference ? `\n_Reference: ${notice.reference}_` : ''}`;
  const blocks: SlackMessage['blocks'] = [
    { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) } },
  ];
  if (notice.reference) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Reference: \`${notice.reference.slice(0, 200)}\`` }],
    });
  }
  return { text: text.slice(0, 3000), blocks };
}

/** A form submission refused (e.g. by the access policy): the modal turns into this message. */
export function renderRefusalModal(text: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'revgap' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}

/** The Home tab of someone who may not see customer data: the refusal and nothing else. */
export function renderRefusalHome(text: string): types.HomeView {
  return { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
