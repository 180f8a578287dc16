/** "Share in channel" on a private answer: posts the same answer in the channel, then removes the private copy. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION_SHARE } from '../../../render/slack/ids.ts';
import { shareAnswer } from '../../answers.ts';
import type { SlackDeps } from '../../slack-deps.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_SHARE, async ({ ack, body, action }) => {
    await ack();
    await shareAnswer(
      {
        value: action.value ?? '',
        userId: body.user.id,
        channelId: body.channel?.id ?? body.container?.channel_id ?? '',
        responseUrl: body.response_url,
      },
      deps,
    );
  });
}
