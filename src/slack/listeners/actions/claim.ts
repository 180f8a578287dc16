/** "Claim" on a digest card: records the claim, says so in the thread, updates the card. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION_CLAIM } from '../../../render/slack/ids.ts';
import { handleCardAction } from '../../card-actions.ts';
import { actionDeliveryKey } from '../../reliability/delivery-keys.ts';
import type { SlackDeps } from '../../slack-deps.ts';
import { cardContext } from './_card-context.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_CLAIM, async ({ ack, body, action }) => {
    await ack();
    await handleCardAction(
      { ...cardContext(body, action.value), kind: 'claim', eventId: actionDeliveryKey(body, action) },
      deps,
    );
  });
}
