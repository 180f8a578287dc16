/**
 * `/revgap <customer | top [N] | churn | mine | report | help>`: answered privately from the
 * analysis snapshot, in the acknowledgement itself when the answer is ready in time (Slack gives
 * 3 s), else acknowledged at once and answered through the command's response_url
 * (answers.ts `acknowledgeCommand`).
 */
import type { App } from '@slack/bolt';
import { parseRevgapCommand } from '../../../use-cases/parse-revgap-command.ts';
import { acknowledgeCommand } from '../../answers.ts';
import type { SlackDeps } from '../../slack-deps.ts';

export const COMMAND = '/revgap';

export function register(app: App, deps: SlackDeps): void {
  app.command(COMMAND, async ({ ack, command }) => {
    await acknowledgeCommand(
      {
        text: command.text,
        userId: command.user_id,
        channelId: command.channel_id,
        responseUrl: command.response_url,
        triggerId: command.trigger_id,
      },
      ack,
      deps,
    );
  });
}

/**
 * Whether a request body is a `/revgap` that only reads and answers the asker privately (not a
 * typed follow-up, which writes, nor `report`, which sends a file): its delivery key is kept in
 * memory only (reliability/install-reliability.ts `isReadOnly`).
 */
export function isReadOnlyCommand(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { command, text } = body as { command?: unknown; text?: unknown };
  if (command !== COMMAND || typeof text !== 'string') return false;
  const kind = parseRevgapCommand(text).kind;
  return kind !== 'log' && kind !== 'snooze' && kind !== 'report';
}
