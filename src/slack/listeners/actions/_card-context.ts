/** The fields every card action needs, read out of a `block_actions` payload. */
import type { BlockAction } from '@slack/bolt';
import { decodeFollowUpMetadata } from '../../../render/slack/follow-up-modal.ts';
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
  // A button in the deep-dive modal: no channel or message; the modal's metadata names the card.
  const fromModal =
    body.container?.type === 'view' ? decodeFollowUpMetadata(body.view?.private_metadata) : null;
  return {
    userId: body.user.id,
    channel: body.channel?.id ?? body.container?.channel_id ?? fromModal?.channelId ?? '',
    messageTs: body.container?.message_ts ?? message?.ts ?? fromModal?.messageTs ?? '',
    ...(fromModal?.digestRunId && !decodeCardAction(value)?.digestRunId
      ? { digestRunId: fromModal.digestRunId }
      : {}),
    ...(message?.blocks ? { messageBlocks: message.blocks } : {}),
    ...(message?.text !== undefined ? { messageText: message.text } : {}),
    ...(decoded?.customerId ? { customerId: decoded.customerId } : {}),
    ...(decoded?.digestRunId ? { digestRunId: decoded.digestRunId } : {}),
    ...(decoded?.origin ? { origin: decoded.origin } : {}),
    cardKey: cardKey ?? decoded?.cardKey ?? cardKeyFromBlockId(blockId) ?? undefined,
    ...(body.response_url ? { responseUrl: body.response_url } : {}),
    ...(ephemeral ? { ephemeral: true } : {}),
    ...(fromModal && body.view?.id && body.view.type === 'modal'
      ? { view: { id: body.view.id, ...modalChart(body.view.blocks) } }
      : {}),
  };
}

/** The chart image a deep-dive modal shows (its `slack_file`), to keep when the modal is rendered again. */
function modalChart(blocks: unknown): { chart?: { fileId: string; altText: string } } {
  if (!Array.isArray(blocks)) return {};
  for (const block of blocks as { type?: string; slack_file?: { id?: string }; alt_text?: string }[]) {
    if (block.type === 'image' && block.slack_file?.id)
      return { chart: { fileId: block.slack_file.id, altText: block.alt_text ?? '' } };
  }
  return {};
}
