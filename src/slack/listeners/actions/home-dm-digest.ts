/** "Turn on" / "Turn off" of "My digest by DM" on the Home tab: saves the choice, re-publishes the tab. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION_HOME_DM_DIGEST } from '../../../render/slack/ids.ts';
import { showHome } from '../../home.ts';
import type { SlackDeps } from '../../slack-deps.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_HOME_DM_DIGEST, async ({ ack, body, action }) => {
    await ack();
    const userId = body.user.id;
    try {
      await deps.personal?.setDmDigest(userId, action.value === 'on', deps.now().toISOString());
      deps.logger.info({ userId, on: action.value === 'on' }, 'digest by DM choice saved');
    } catch (error) {
      deps.logger.error({ err: error, userId }, 'could not save the digest-by-DM choice');
      await deps.slack
        .postMessage({
          channel: userId,
          text: `:warning: Sorry, your "My digest by DM" choice was not saved: ${(error as Error).message}. Please try again in a minute.`,
        })
        .catch(() => undefined);
    }
    await showHome(userId, deps);
  });
}
