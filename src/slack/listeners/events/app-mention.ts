/**
 * `@revgap <customer>` (or `@revgap top`, `help`...): answered in the thread it was asked in, for
 * everyone in it, since slash commands cannot be used inside threads. `@revgap log <customer>: <note>`
 * and `@revgap snooze <customer> 2w` record a follow-up like the card's buttons.
 */
import type { App } from '@slack/bolt';
import { answerMention } from '../../answers.ts';
import type { SlackDeps } from '../../slack-deps.ts';

export function register(app: App, deps: SlackDeps): void {
  app.event('app_mention', async ({ event }) => {
    if (!event.user) return;
    await answerMention(
      {
        text: event.text,
        userId: event.user,
        channelId: event.channel,
        threadTs: event.thread_ts ?? event.ts,
        ts: event.ts,
      },
      deps,
    );
  });
}
