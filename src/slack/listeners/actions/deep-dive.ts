/** "Deep dive" on a digest card: the customer's deep dive, shown only to whoever clicked. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION_DEEP_DIVE } from '../../../render/slack/ids.ts';
import type { CardActionContext } from '../../../use-cases/card-actions.ts';
import { handleCardAction } from '../../card-actions.ts';
import { actionDeliveryKey } from '../../reliability/delivery-keys.ts';
import type { SlackDeps } from '../../slack-deps.ts';
import { cardContext } from './_card-context.ts';

/**
 * What every Deep dive control does, for the customer in `context`: the card's button, a digest
 * line's menu (line-menu.ts) and the digest's pick list (line-pick.ts) all come here.
 */
export async function openDeepDive(
  body: BlockAction,
  action: unknown,
  context: CardActionContext,
  deps: SlackDeps,
): Promise<void> {
  await handleCardAction({ ...context, kind: 'deep_dive', eventId: actionDeliveryKey(body, action) }, deps);
}

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_DEEP_DIVE, async ({ ack, body, action }) => {
    await ack();
    await openDeepDive(body, action, cardContext(body, action.value), deps);
  });
}
