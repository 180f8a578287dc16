/** "Deep dive" on a card: the customer's deep dive in a modal, opened at once with the click's trigger id. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION_DEEP_DIVE } from '../../../render/slack/ids.ts';
import type { CardActionContext } from '../../../use-cases/card-actions.ts';
import { openDeepDive as openDeepDiveModal } from '../../deep-dive-modal.ts';
import type { SlackDeps } from '../../slack-deps.ts';
import { cardContext } from './_card-context.ts';

/**
 * What every Deep dive control does, for the customer in `context`: the card's button, a digest
 * line's menu (line-menu.ts) and the digest's pick list (line-pick.ts) all come here. The modal
 * opens in context (src/slack/deep-dive-modal.ts).
 */
export async function openDeepDive(
  body: BlockAction,
  _action: unknown,
  context: CardActionContext,
  deps: SlackDeps,
): Promise<void> {
  await openDeepDiveModal({ ...context, triggerId: body.trigger_id }, deps);
}

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_DEEP_DIVE, async ({ ack, body, action }) => {
    await ack();
    await openDeepDive(body, action, cardContext(body, action.value), deps);
  });
}
