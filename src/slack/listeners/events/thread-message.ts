/**
 * Messages in channels the bot is in (`message.channels`). revgap only reacts when it is
 * addressed, which Slack delivers as `app_mention` (events/app-mention.ts); plain messages, including
 * replies in digest threads, are read and left alone, and the bot's own posts are skipped by Bolt.
 * The listener is registered so the subscription has a handler and such deliveries are acknowledged
 * without an "unhandled event" warning.
 */
import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../slack-deps.ts';

export function register(app: App, deps: SlackDeps): void {
  app.message(async ({ message }) => {
    const m = message as { channel?: string; ts?: string; thread_ts?: string };
    deps.logger.trace({ channel: m.channel, ts: m.ts, threadTs: m.thread_ts }, 'channel message seen');
  });
}
