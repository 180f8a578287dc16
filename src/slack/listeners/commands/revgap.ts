/**
 * `/revgap <customer | top [N] | churn | mine | report | help>`: acknowledged at once (Slack gives
 * 3 s), then answered privately through the command's response_url from the analysis snapshot.
 */
import type { App } from '@slack/bolt';
import { answerCommand } from '../../answers.ts';
import type { SlackDeps } from '../../slack-deps.ts';

export const COMMAND = '/revgap';

export function register(app: App, deps: SlackDeps): void {
  app.command(COMMAND, async ({ ack, command }) => {
    await ack();
    await answerCommand(
      {
        text: command.text,
        userId: command.user_id,
        channelId: command.channel_id,
        responseUrl: command.response_url,
        triggerId: command.trigger_id,
      },
      deps,
    );
  });
}
