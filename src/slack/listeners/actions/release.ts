/** "Release" (the holder lets go of a gap): back to open, said in the digest thread, copies updated. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION_RELEASE } from '../../../render/slack/ids.ts';
import { handleCardAction } from '../../card-actions.ts';
import { actionDeliveryKey } from '../../reliability/delivery-keys.ts';
import type { SlackDeps } from '../../slack-deps.ts';
import { cardContext } from './_card-context.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_RELEASE, async ({ ack, body, action }) => {
    await ack();
    await handleCardAction(
      { ...cardContext(body, action.value), kind: 'release', eventId: actionDeliveryKey(body, action) },
      deps,
    );
  });
}
