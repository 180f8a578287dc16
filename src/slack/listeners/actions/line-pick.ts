/**
 * The pick list of the digest's customers beyond its compact lines: the customer chosen gets the
 * same answer as the card's Deep dive button (with its actions).
 */
import type { App, BlockAction, StaticSelectAction } from '@slack/bolt';
import { ACTION_LINE_PICK, decodeLinePick } from '../../../render/slack/ids.ts';
import type { SlackDeps } from '../../slack-deps.ts';
import { cardContext } from './_card-context.ts';
import { openDeepDive } from './deep-dive.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<StaticSelectAction>>(ACTION_LINE_PICK, async ({ ack, body, action }) => {
    await ack();
    const key = decodeLinePick(action.selected_option?.value);
    if (!key) {
      deps.logger.warn({ value: action.selected_option?.value }, 'unreadable digest pick list option');
      return;
    }
    await openDeepDive(body, action, cardContext(body, undefined, key), deps);
  });
}
