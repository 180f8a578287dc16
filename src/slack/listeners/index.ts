/**
 * Registers every listener on the app. Each lives in its own file with a `register(app, deps)`; the
 * ids they listen on are listed in `LISTENED` (checked against manifest.yml and the renderers' ids).
 */
import type { App } from '@slack/bolt';
import {
  ACTION_CLAIM,
  ACTION_DEEP_DIVE,
  ACTION_HOME_DM_DIGEST,
  ACTION_HOME_PAGE,
  ACTION_LINE_MENU,
  ACTION_LINE_PICK,
  ACTION_LOG,
  ACTION_PICK_CUSTOMER,
  ACTION_RELEASE,
  ACTION_SHARE,
  ACTION_SHARE_DIVE,
  ACTION_SNOOZE,
  ACTION_UNSNOOZE,
  CALLBACK_FOLLOW_UP,
} from '../../render/slack/ids.ts';
import type { SlackDeps } from '../slack-deps.ts';
import * as claim from './actions/claim.ts';
import * as deepDive from './actions/deep-dive.ts';
import * as homeDmDigest from './actions/home-dm-digest.ts';
import * as homePage from './actions/home-page.ts';
import * as lineMenu from './actions/line-menu.ts';
import * as linePick from './actions/line-pick.ts';
import * as logFollowUp from './actions/log-follow-up.ts';
import * as pickCustomer from './actions/pick-customer.ts';
import * as release from './actions/release.ts';
import * as share from './actions/share.ts';
import * as shareDeepDive from './actions/share-deep-dive.ts';
import * as snooze from './actions/snooze.ts';
import * as unsnooze from './actions/unsnooze.ts';
import * as revgap from './commands/revgap.ts';
import * as appHomeOpened from './events/app-home-opened.ts';
import * as appMention from './events/app-mention.ts';
import * as followUp from './views/follow-up.ts';

/** What the app listens to: commands, action ids, view callback ids and Events API types. */
export const LISTENED = {
  commands: [revgap.COMMAND],
  actions: [
    ACTION_CLAIM,
    ACTION_LOG,
    ACTION_SNOOZE,
    ACTION_DEEP_DIVE,
    ACTION_SHARE,
    ACTION_SHARE_DIVE,
    ACTION_PICK_CUSTOMER,
    ACTION_LINE_MENU,
    ACTION_LINE_PICK,
    ACTION_RELEASE,
    ACTION_UNSNOOZE,
    ACTION_HOME_PAGE,
    ACTION_HOME_DM_DIGEST,
  ],
  views: [CALLBACK_FOLLOW_UP],
  events: ['app_mention', 'app_home_opened'],
} as const;

export function registerListeners(app: App, deps: SlackDeps): void {
  revgap.register(app, deps);
  claim.register(app, deps);
  logFollowUp.register(app, deps);
  snooze.register(app, deps);
  release.register(app, deps);
  unsnooze.register(app, deps);
  deepDive.register(app, deps);
  lineMenu.register(app, deps);
  linePick.register(app, deps);
  share.register(app, deps);
  shareDeepDive.register(app, deps);
  pickCustomer.register(app, deps);
  followUp.register(app, deps);
  appMention.register(app, deps);
  appHomeOpened.register(app, deps);
  homePage.register(app, deps);
  homeDmDigest.register(app, deps);
}
