/** A user opened revgap's Home tab: publish "My accounts" for them. */
import type { App } from '@slack/bolt';
import { showHome } from '../../home.ts';
import type { SlackDeps } from '../../slack-deps.ts';

export function register(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event }) => {
    // The Messages tab opens too; only the Home tab has a view to publish.
    if (event.tab !== undefined && event.tab !== 'home') return;
    await showHome(event.user, deps);
  });
}
