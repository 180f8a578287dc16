/**
 * Tells the admins, in REVGAP_ADMIN_CHANNEL, that something failed for good: what, why, and the
 * fix ("Invite @revgap to #revenue"). Without an admin channel, or when the notice itself cannot be
 * posted (the admin channel may share the broken channel's problem), it is logged at error level,
 * which is where operators look anyway.
 */
import { AppError } from '../../errors.ts';
import { type Logger, scrubSecrets } from '../../logger.ts';
import type { SlackMessage } from '../../render/slack/message.ts';
import { renderAdminNotice } from '../../render/slack/notices.ts';
import { type ClassifyContext, classifySlackError } from './classify-slack-error.ts';
import { SlackDeliveryError } from './with-retry.ts';

export interface FailureNotice {
  /** What failed, e.g. "post the weekly digest to <#C0123>". */
  what: string;
  error: unknown;
  /** Where the fix applies (`<#C0123>`), for the fix text. */
  channel?: string;
  /** Run key or other reference for the logs. */
  reference?: string;
}

export type NoticeMessage = SlackMessage;

/** Why and fix, in plain words, for any error (Slack call, store, our own). */
export function explainFailure(error: unknown, context: ClassifyContext = {}): { why: string; fix: string } {
  if (error instanceof SlackDeliveryError) {
    const c = error.classification;
    const tries = error.attempts === 1 ? '1 attempt' : `${error.attempts} attempts`;
    return { why: `${c.reason} (\`${c.code}\`, after ${tries})`, fix: error.hint ?? c.fix };
  }
  if (error instanceof AppError) {
    return { why: error.message, fix: error.hint ?? 'See the error in the log.' };
  }
  const c = classifySlackError(error, context);
  return { why: c.code === 'unknown' ? c.reason : `${c.reason} (\`${c.code}\`)`, fix: c.fix };
}

/** The notice, with every secret masked (error texts can quote URLs). */
export function renderFailureNotice(notice: FailureNotice, secrets: readonly string[] = []): NoticeMessage {
  const { why, fix } = explainFailure(notice.error, notice.channel ? { channel: notice.channel } : {});
  const clean = (s: string) => scrubSecrets(s, secrets);
  return renderAdminNotice({
    what: notice.what,
    why: clean(why),
    fix: clean(fix),
    ...(notice.reference ? { reference: clean(notice.reference) } : {}),
  });
}

export interface AdminNotifier {
  notify(notice: FailureNotice): Promise<void>;
}

export function createAdminNotifier(options: {
  adminChannel?: string;
  postMessage: (message: NoticeMessage & { channel: string }) => Promise<unknown>;
  logger: Logger;
  secrets?: readonly string[];
}): AdminNotifier {
  const log = options.logger.child({ component: 'admin-notice' });
  return {
    async notify(notice) {
      const message = renderFailureNotice(notice, options.secrets);
      log.error(
        { what: notice.what, reference: notice.reference, notice: message.text },
        'failure needs an admin',
      );
      if (!options.adminChannel) return;
      try {
        await options.postMessage({ ...message, channel: options.adminChannel });
      } catch (error) {
        log.error(
          { err: error, adminChannel: options.adminChannel },
          'could not post the failure notice to the admin channel',
        );
      }
    },
  };
}
