/**
 * What the use-cases need of the chat workspace, in their own terms: messages as render builds
 * them, ids as strings, no Bolt or Web API types. `src/slack/slack-client.ts` implements it (with
 * Slack's limits, retries and pacing); tests pass a recording fake. Each use-case takes only the
 * methods it calls (`Pick<ChatPort, ...>`).
 */
import type { AnyBlock, OutgoingMessage, View } from '../render/slack/message.ts';

export type { AnyBlock, OutgoingMessage, View };

/** A file to share: the markdown report (text), or a chart (PNG bytes). */
export interface FileToShare {
  filename: string;
  title: string;
  content: string | Uint8Array;
  initialComment?: string;
  /** An image's description for screen readers. */
  altText?: string;
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
  /** Opens a modal with an interaction's trigger id (it lives 3 seconds, works once). */
  openView(triggerId: string, view: View): Promise<{ viewId: string | null }>;
  /** Replaces an open modal (no trigger id needed). */
  updateView(viewId: string, view: View): Promise<void>;
  /** Opens a modal on top of the one the interaction came from (a button inside a modal). */
  pushView(triggerId: string, view: View): Promise<void>;
  /** Publishes `view` (type `home`) as `userId`'s Home tab (views.publish). */
  publishView(userId: string, view: View): Promise<void>;
  /**
   * Uploads a file (files.uploadV2) into a channel or thread; with no channel it stays private to
   * the bot, for an image block to show (`slack_file`). Resolves to the file id.
   */
  uploadFile(file: FileToShare & { channel?: string; threadTs?: string }): Promise<{ fileId: string | null }>;
  /** The bot's direct-message channel with a user (conversations.open). */
  openDirectMessage(userId: string): Promise<string>;
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
