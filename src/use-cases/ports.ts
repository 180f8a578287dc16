/**
 * What the use-cases need of the chat workspace, in their own terms: messages as render builds
 * them, ids as strings, no Bolt or Web API types. `src/slack/slack-client.ts` implements it (with
 * Slack's limits, retries and pacing); tests pass a recording fake. Each use-case takes only the
 * methods it calls (`Pick<ChatPort, ...>`).
 */
import type { AnyBlock, OutgoingMessage, View } from '../render/slack/message.ts';

export type { AnyBlock, OutgoingMessage, View };

/** A text file to share (the markdown report). */
export interface FileToShare {
  filename: string;
  title: string;
  content: string;
  initialComment?: string;
}

export interface ChatPort {
  postMessage(
    message: OutgoingMessage & { channel: string; threadTs?: string },
  ): Promise<{ ts: string; channel: string }>;
  updateMessage(message: OutgoingMessage & { channel: string; ts: string }): Promise<void>;
  /** A message only `user` sees. */
  postEphemeral(
    message: OutgoingMessage & { channel: string; user: string; threadTs?: string },
  ): Promise<void>;
  /**
   * Answers through an interaction's `response_url` (30 minutes, 5 uses): `replaceOriginal` swaps the
   * message clicked (the only way to change an ephemeral message), otherwise a new message.
   */
  respond(
    responseUrl: string,
    message: OutgoingMessage & {
      responseType?: 'ephemeral' | 'in_channel';
      replaceOriginal?: boolean;
      deleteOriginal?: boolean;
    },
  ): Promise<void>;
  openView(triggerId: string, view: View): Promise<void>;
  /** Publishes `view` (type `home`) as `userId`'s Home tab (views.publish). */
  publishView(userId: string, view: View): Promise<void>;
  uploadFile(file: FileToShare & { channel: string; threadTs?: string }): Promise<{ fileId: string | null }>;
  /** One posted message's text and blocks, or null when it is gone. */
  fetchMessage(
    channel: string,
    ts: string,
    threadTs?: string,
  ): Promise<{ text: string; blocks: AnyBlock[] } | null>;
  /** The user id for an email, or null when nobody has it. */
  lookupUserByEmail(email: string): Promise<string | null>;
  /** A user's email, or null when hidden or unknown. */
  userEmail(userId: string): Promise<string | null>;
}
