import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import { classifySlackError } from '../../../src/slack/reliability/classify-slack-error.ts';
import { createAdminNotifier, renderFailureNotice } from '../../../src/slack/reliability/notify-admin.ts';
import { SlackDeliveryError } from '../../../src/slack/reliability/with-retry.ts';
import { captureLogs } from '../../helpers/capture-logs.ts';

const notInChannel = () => {
  const cause = new webApi.WebAPIPlatformError({ ok: false, error: 'not_in_channel' });
  return new SlackDeliveryError(
    'chat.postMessage',
    classifySlackError(cause, { channel: '<#C01REVENUE>' }),
    1,
    cause,
  );
};

describe('renderFailureNotice', () => {
  it('says what failed, why, and how to fix it', () => {
    const notice = renderFailureNotice({
      what: 'post the weekly digest to <#C01REVENUE>',
      error: notInChannel(),
      reference: 'digest:C01REVENUE:slot:2026-11-23T08:00:00.000Z',
    });
    expect(notice.text).toBe(
      [
        ':warning: revgap could not post the weekly digest to <#C01REVENUE>.',
        '*Why:* the bot is not a member of the channel (`not_in_channel`, after 1 attempt)',
        '*Fix:* Invite @revgap to <#C01REVENUE>: type `/invite @revgap` in the channel.',
        '_Reference: digest:C01REVENUE:slot:2026-11-23T08:00:00.000Z_',
      ].join('\n'),
    );
    expect(notice.blocks).toHaveLength(2);
  });

  it('explains a raw Slack error and an AppError with its hint', () => {
    const raw = renderFailureNotice({
      what: 'x',
      error: new webApi.WebAPIPlatformError({ ok: false, error: 'invalid_auth' }),
    });
    expect(raw.text).toContain('*Why:* the bot token is not valid (`invalid_auth`)');
    const app = renderFailureNotice({
      what: 'x',
      error: new AppError('STORE', 'database unreachable', { hint: 'Check DATABASE_URL.' }),
    });
    expect(app.text).toContain('*Why:* database unreachable\n*Fix:* Check DATABASE_URL.');
  });

  it('masks secrets quoted in error texts', () => {
    const notice = renderFailureNotice({
      what: 'refresh the data',
      error: new Error('connect failed for postgres://revgap:hunter2-pw@db/revgap'),
    });
    expect(notice.text).not.toContain('hunter2-pw');
  });
});

describe('createAdminNotifier', () => {
  it('posts to the admin channel and logs the notice', async () => {
    const posted: unknown[] = [];
    const logs = captureLogs();
    const notifier = createAdminNotifier({
      adminChannel: 'CADMIN',
      postMessage: async (m) => void posted.push(m),
      logger: logs.logger,
    });
    await notifier.notify({ what: 'post the weekly digest', error: notInChannel() });
    expect(posted).toEqual([
      expect.objectContaining({ channel: 'CADMIN', text: expect.stringContaining('/invite @revgap') }),
    ]);
    expect(logs.find('failure needs an admin')).toHaveLength(1);
  });

  it('only logs when there is no admin channel, and survives a failing post', async () => {
    const logs = captureLogs();
    await createAdminNotifier({ postMessage: async () => undefined, logger: logs.logger }).notify({
      what: 'x',
      error: new Error('boom'),
    });
    await createAdminNotifier({
      adminChannel: 'CADMIN',
      postMessage: async () => {
        throw new Error('not_in_channel');
      },
      logger: logs.logger,
    }).notify({ what: 'x', error: new Error('boom') });
    expect(logs.find('failure needs an admin')).toHaveLength(2);
    expect(logs.find('could not post the failure notice')).toHaveLength(1);
  });
});
