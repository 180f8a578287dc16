/**
 * After a chat.postMessage timed out or lost its connection, Slack may have posted the message
 * anyway. This looks for it (same text, posted by a bot, since the first attempt) so the retry can
 * return it instead of posting a duplicate. Used as `recover` in `createSlackDelivery`.
 */
import type { webApi } from '@slack/bolt';

export interface PostedMessageQuery {
  channel: string;
  /** Parent ts when the message went into a thread. */
  threadTs?: string;
  text: string;
  /** Wall-clock ms when the first attempt was sent; messages older than this (minus slack) are ignored. */
  sentAtMs: number;
  /** Tolerated clock difference between us and Slack; default 60 s. */
  skewMs?: number;
}

interface FoundMessage {
  ts: string;
  channel: string;
}

export async function findPostedMessage(
  web: Pick<webApi.WebClient, 'conversations'>,
  query: PostedMessageQuery,
): Promise<FoundMessage | undefined> {
  const oldest = ((query.sentAtMs - (query.skewMs ?? 60_000)) / 1000).toFixed(6);
  const result = query.threadTs
    ? await web.conversations.replies({ channel: query.channel, ts: query.threadTs, oldest, limit: 100 })
    : await web.conversations.history({ channel: query.channel, oldest, limit: 100 });
  const match = (result.messages ?? [])
    .filter((m) => m.bot_id !== undefined && m.text === query.text && m.ts !== undefined)
    // Newest first: a repeat of the same text earlier in the window is not ours.
    .sort((a, b) => Number(b.ts) - Number(a.ts))[0];
  return match?.ts ? { ts: match.ts, channel: query.channel } : undefined;
}
