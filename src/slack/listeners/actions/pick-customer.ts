/** A customer picked from the list `/revgap acme` offers when several match: replaces the list with the deep dive. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION_PICK_CUSTOMER } from '../../../render/slack/ids.ts';
import { answerPickedCustomer } from '../../answers.ts';
import type { SlackDeps } from '../../slack-deps.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_PICK_CUSTOMER, async ({ ack, body, action }) => {
    await ack();
    await answerPickedCustomer(
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
