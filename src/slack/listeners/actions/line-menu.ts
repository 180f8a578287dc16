/**
 * The menu on a compact digest line (Deep dive, Claim, Log follow-up, Snooze): each choice goes to
 * the same handler as the full card's button, so a line and a card act alike.
 */
import type { App, BlockAction, OverflowAction } from '@slack/bolt';
import { ACTION_LINE_MENU, decodeLineOption } from '../../../render/slack/ids.ts';
import { handleCardAction, openFollowUpModal } from '../../card-actions.ts';
import { actionDeliveryKey } from '../../reliability/delivery-keys.ts';
import type { SlackDeps } from '../../slack-deps.ts';
import { cardContext } from './_card-context.ts';
import { openDeepDive } from './deep-dive.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<OverflowAction>>(ACTION_LINE_MENU, async ({ ack, body, action }) => {
    await ack();
    const chosen = decodeLineOption(action.selected_option?.value);
    if (!chosen) {
      deps.logger.warn({ value: action.selected_option?.value }, 'unreadable digest line menu option');
      return;
    }
    const context = cardContext(body, undefined, chosen.cardKey);
    if (chosen.action === 'log') {
      await openFollowUpModal({ ...context, triggerId: body.trigger_id }, deps);
      return;
    }
    if (chosen.action === 'deep_dive') {
      await openDeepDive(body, action, context, deps);
      return;
    }
    await handleCardAction(
      {
        ...context,
        kind: chosen.action,
        ...(chosen.action === 'snooze' ? { snoozeWeeks: chosen.weeks } : {}),
        eventId: actionDeliveryKey(body, action),
      },
      deps,
    );
  });
}
