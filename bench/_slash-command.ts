/**
 * What the answer benches (answer-latency.ts, help-during-refresh.ts) share: a `/revgap` request
 * signed as Slack signs it (v0 HMAC-SHA256 of "v0:timestamp:body" with the signing secret), and
 * the nearest-rank percentile they report. Written here because no load generator on npm signs
 * Slack requests.
 */
import { createHmac } from 'node:crypto';
import { LOCAL_SLACK_CREDENTIALS } from '../src/dev/local-slack.ts';

export interface SlashTarget {
  workspace: { teamId: string; domain: string; app: { appId: string } };
  channelId: string;
  userId: string;
  /** Where the bot sends an answer that misses the acknowledgement: `${collectorUrl}/r/${id}`. */
  collectorUrl: string;
}

/** A signed `/revgap <text>` request body and headers, its response_url naming `id`. */
export function signedSlashCommand(
  target: SlashTarget,
  text: string,
  id: string,
): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams({
    token: 'unused',
    team_id: target.workspace.teamId,
    team_domain: target.workspace.domain,
    channel_id: target.channelId,
    channel_name: 'revenue',
    user_id: target.userId,
    user_name: 'bench',
    command: '/revgap',
    text,
    api_app_id: target.workspace.app.appId,
    response_url: `${target.collectorUrl}/r/${id}`,
    trigger_id: `${id}.trigger`,
  }).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', LOCAL_SLACK_CREDENTIALS.signingSecret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signature,
    },
  };
}

/** The nearest-rank percentile `p` of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
