/** "Snooze 1/2/4 weeks" from a card's overflow menu: the gap leaves the digest until then (or until it worsens). */
import type { App, BlockAction, OverflowAction } from '@slack/bolt';
import { ACTION_SNOOZE, decodeSnooze } from '../../../render/slack/ids.ts';
import { handleCardAction } from '../../card-actions.ts';
import { actionDeliveryKey } from '../../reliability/delivery-keys.ts';
import type { SlackDeps } from '../../slack-deps.ts';
import { cardContext } from './_card-context.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<OverflowAction>>(ACTION_SNOOZE, async ({ ack, body, action }) => {
    await ack();
    const snooze = decodeSnooze(action.selected_option?.value);
    await handleCardAction(
      {
        ...cardContext(body, undefined, snooze?.cardKey),
        kind: 'snooze',
        snoozeWeeks: snooze?.weeks ?? 1,
        eventId: actionDeliveryKey(body, action),
      },
      deps,
    );
  });
}
