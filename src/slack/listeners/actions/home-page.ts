/** "Next page" / "Previous page" on the Home tab: re-publishes it from the button's offset. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION_HOME_PAGE } from '../../../render/slack/ids.ts';
import { showHome } from '../../home.ts';
import type { SlackDeps } from '../../slack-deps.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_HOME_PAGE, async ({ ack, body, action }) => {
    await ack();
    const offset = Number.parseInt(action.value ?? '0', 10);
    await showHome(body.user.id, deps, Number.isFinite(offset) && offset > 0 ? offset : 0);
  });
}
