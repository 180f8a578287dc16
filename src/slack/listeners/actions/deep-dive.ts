/** "Deep dive" on a digest card: the customer's deep dive, shown only to whoever clicked. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION_DEEP_DIVE } from '../../../render/slack/ids.ts';
import { handleCardAction } from '../../card-actions.ts';
import { actionDeliveryKey } from '../../reliability/delivery-keys.ts';
import type { SlackDeps } from '../../slack-deps.ts';
import { cardContext } from './_card-context.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_DEEP_DIVE, async ({ ack, body, action }) => {
    await ack();
    await handleCardAction(
      { ...cardContext(body, action.value), kind: 'deep_dive', eventId: actionDeliveryKey(body, action) },
      deps,
    );
  });
}
