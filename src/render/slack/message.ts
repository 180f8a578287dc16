/**
 * The message shapes the Slack renderers produce and the use-cases hand on: Block Kit blocks plus
 * the `text` fallback every message carries. Types only; the Slack adapter (src/slack) delivers them.
 */
import type { types } from '@slack/bolt';

export type { Block, ModalView, SlackMessage } from './_blocks.ts';

/** Any block a message may carry (ours are `Block`s; ones read back from Slack may be others). */
export type AnyBlock = types.KnownBlock | types.Block;

/** A message body to send: `text` is the notification/accessibility fallback, always present. */
export interface OutgoingMessage {
  text: string;
  blocks?: AnyBlock[];
}

/** A modal (or any view) to open. */
export type View = types.View;
