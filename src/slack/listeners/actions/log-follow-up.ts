/**
 * "Log follow-up" on a digest card: opens the follow-up modal at once (the trigger_id expires in
 * 3 s and works once); the submission is handled by views/follow-up.ts.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION_LOG } from '../../../render/slack/ids.ts';
import { openFollowUpModal } from '../../card-actions.ts';
import type { SlackDeps } from '../../slack-deps.ts';
import { cardContext } from './_card-context.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_LOG, async ({ ack, body, action }) => {
    await ack();
    await openFollowUpModal(
      {
        ...cardContext(body, action.value),
        triggerId: body.trigger_id,
        ...(body.container?.type === 'view' ? { fromModal: true } : {}),
      },
      deps,
    );
  });
}
