/** "Share" in the deep-dive modal: a short summary into the digest thread (not the whole dive). */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { decodeFollowUpMetadata } from '../../../render/slack/follow-up-modal.ts';
import { ACTION_SHARE_DIVE } from '../../../render/slack/ids.ts';
import { shareDeepDiveSummary } from '../../deep-dive-modal.ts';
import type { SlackDeps } from '../../slack-deps.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_SHARE_DIVE, async ({ ack, body, action }) => {
    await ack();
    const value = action.value ?? '';
    await shareDeepDiveSummary(
      {
        value,
        userId: body.user.id,
        // In a modal there is no channel: the card's, from the button.
        channel: body.channel?.id ?? decodeFollowUpMetadata(value)?.channelId ?? '',
      },
      deps,
    );
  });
}
