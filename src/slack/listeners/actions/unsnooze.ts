/** "Unsnooze" on a snoozed card: the gap comes back now, as it was before the snooze. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION_UNSNOOZE } from '../../../render/slack/ids.ts';
import { handleCardAction } from '../../card-actions.ts';
import { actionDeliveryKey } from '../../reliability/delivery-keys.ts';
import type { SlackDeps } from '../../slack-deps.ts';
import { cardContext } from './_card-context.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_UNSNOOZE, async ({ ack, body, action }) => {
    await ack();
    await handleCardAction(
      { ...cardContext(body, action.value), kind: 'unsnooze', eventId: actionDeliveryKey(body, action) },
      deps,
    );
  });
}
