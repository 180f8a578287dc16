/**
 * "Share in channel" on a private answer: posts the same answer in the channel (in the thread, for a
 * private answer to a mention there), then removes the private copy.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTION_SHARE } from '../../../render/slack/ids.ts';
import { shareAnswer } from '../../answers.ts';
import type { SlackDeps } from '../../slack-deps.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_SHARE, async ({ ack, body, action }) => {
    await ack();
    // A private answer in a thread (a mention's): the container (or the message) names the thread.
    const message = body.message as { thread_ts?: string; ts?: string } | undefined;
    const threadTs =
      (body.container?.thread_ts as string | undefined) ??
      (message?.thread_ts !== undefined && message.thread_ts !== message.ts ? message.thread_ts : undefined);
    await shareAnswer(
      {
        value: action.value ?? '',
        userId: body.user.id,
        channelId: body.channel?.id ?? body.container?.channel_id ?? '',
        responseUrl: body.response_url,
        ...(threadTs ? { threadTs } : {}),
      },
      deps,
    );
  });
}
