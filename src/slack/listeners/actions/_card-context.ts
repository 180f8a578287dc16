/** The fields every card action needs, read out of a `block_actions` payload. */
import type { BlockAction } from '@slack/bolt';
import { cardKeyFromBlockId, decodeCardAction } from '../../../render/slack/ids.ts';
import type { CardActionContext } from '../../../use-cases/card-actions.ts';
import type { SlackBlock } from '../../slack-client.ts';

export function cardContext(
  body: BlockAction,
  value: string | undefined,
  cardKey?: string,
): CardActionContext {
  const decoded = decodeCardAction(value);
  const blockId = body.actions[0]?.block_id ?? '';
  const message = body.message as
    | { ts?: string; text?: string; blocks?: SlackBlock[]; subtype?: string }
    | undefined;
  // Only the clicker sees an ephemeral message; it can be changed only through the response_url.
  const ephemeral = body.container?.is_ephemeral === true || message?.subtype === 'ephemeral';
  return {
    userId: body.user.id,
    channel: body.channel?.id ?? body.container?.channel_id ?? '',
    messageTs: body.container?.message_ts ?? message?.ts ?? '',
    ...(message?.blocks ? { messageBlocks: message.blocks } : {}),
    ...(message?.text !== undefined ? { messageText: message.text } : {}),
    ...(decoded?.customerId ? { customerId: decoded.customerId } : {}),
    ...(decoded?.digestRunId ? { digestRunId: decoded.digestRunId } : {}),
    ...(decoded?.origin ? { origin: decoded.origin } : {}),
    cardKey: cardKey ?? decoded?.cardKey ?? cardKeyFromBlockId(blockId) ?? undefined,
    ...(body.response_url ? { responseUrl: body.response_url } : {}),
    ...(ephemeral ? { ephemeral: true } : {}),
  };
}
