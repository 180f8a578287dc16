/**
 * Delivers the deep-dive modal (use-cases/deep-dive.ts `deepDiveModal`): opened at once with the
 * click's trigger id (it lives 3 seconds and works once) as a short "preparing" modal, then
 * replaced with `views.update` once the deep dive and its chart are ready. If Slack refuses the
 * chart image (a file it has not finished processing), the modal is shown without it, saying so.
 * "Share" in the modal posts a short summary in the digest's thread and tells the clicker where.
 */
import { renderNotice } from '../render/slack/answers.ts';
import { renderDeepDiveFailed, renderDeepDiveLoading } from '../render/slack/deep-dive-modal.ts';
import type { CardActionContext } from '../use-cases/card-actions.ts';
import { deepDiveModal, shareDeepDive } from '../use-cases/deep-dive.ts';
import type { SlackDeps } from './slack-deps.ts';

const modalDeps = (deps: SlackDeps) => ({ ...deps, chat: deps.slack });

/** Which customer the modal is about, who asked, and the card it was opened from. */
function modalTarget(input: CardActionContext) {
  return {
    ...(input.customerId ? { customerId: input.customerId } : {}),
    ...(input.cardKey ? { cardKey: input.cardKey } : {}),
    userId: input.userId,
    origin: {
      ...(input.channel ? { channelId: input.channel } : {}),
      ...(input.messageTs ? { messageTs: input.messageTs } : {}),
      ...(input.digestRunId ? { digestRunId: input.digestRunId } : {}),
    },
  };
}

/** "Deep dive" on a card (or a digest line): the modal, in context. */
export async function openDeepDive(
  input: CardActionContext & { triggerId: string },
  deps: SlackDeps,
): Promise<void> {
  const log = deps.logger.child({ component: 'deep-dive-modal', userId: input.userId });
  const name = input.customerId ? deps.snapshots.current()?.index.byId(input.customerId)?.name : undefined;
  let viewId: string | null;
  try {
    ({ viewId } = await deps.slack.openView(input.triggerId, renderDeepDiveLoading(name)));
  } catch (error) {
    log.error({ err: error }, 'could not open the deep-dive modal');
    await deps.slack
      .postEphemeral({
        channel: input.channel,
        user: input.userId,
        ...renderNotice(
          `:warning: Sorry, the deep dive did not open: ${(error as Error).message}. Click *Deep dive* again, or type \`/revgap ${input.customerId ?? 'the customer'}\`.`,
        ),
      })
      .catch((tellError: unknown) => log.error({ err: tellError }, 'could not tell the user'));
    return;
  }
  if (!viewId) {
    log.error('views.open answered without a view id; the deep dive cannot be shown');
    return;
  }
  try {
    const { view, withoutChart } = await deepDiveModal(
      {
        ...modalTarget(input),
      },
      modalDeps(deps),
    );
    try {
      await deps.slack.updateView(viewId, view);
    } catch (error) {
      if (!withoutChart) throw error;
      log.warn({ err: error }, 'the deep dive with its chart was refused; showing it without the chart');
      await deps.slack.updateView(viewId, withoutChart);
    }
  } catch (error) {
    log.error({ err: error }, 'deep dive failed');
    const hint = (error as { hint?: string }).hint;
    await deps.slack
      .updateView(
        viewId,
        renderDeepDiveFailed(
          `Sorry, the deep dive could not be shown: ${(error as Error).message}${hint ? ` ${hint}` : ''}`,
        ),
      )
      .catch((updateError: unknown) => log.error({ err: updateError }, 'could not show the failure'));
  }
}

/** "Share" in the deep-dive modal: the summary in the digest thread; the clicker is told either way. */
export async function shareDeepDiveSummary(
  input: { value: string; userId: string; channel: string },
  deps: SlackDeps,
): Promise<void> {
  const log = deps.logger.child({ component: 'deep-dive-share', userId: input.userId });
  let channel = input.channel;
  let text: string;
  try {
    const shared = await shareDeepDive({ value: input.value, userId: input.userId }, modalDeps(deps));
    if ('posted' in shared) {
      channel = shared.posted.channel;
      text = ':white_check_mark: Shared a short summary in the digest thread.';
    } else {
      text = `:information_source: Not shared: ${shared.notPosted}`;
    }
  } catch (error) {
    log.error({ err: error }, 'share failed');
    text = `:warning: Sorry, sharing did not work: ${(error as Error).message}`;
  }
  if (!channel) {
    log.warn({ text }, 'no channel to tell the user in');
    return;
  }
  await deps.slack
    .postEphemeral({ channel, user: input.userId, ...renderNotice(text) })
    .catch((error: unknown) => log.error({ err: error }, 'could not tell the user'));
}

/**
 * The deep-dive modal rendered again after a click in it (Claim, Release, Snooze, Unsnooze), keeping
 * the chart it shows. A failure costs only the stale modal (the action is recorded): logged.
 */
export async function refreshDeepDive(
  input: CardActionContext,
  viewId: string,
  deps: SlackDeps,
): Promise<void> {
  try {
    const { view } = await deepDiveModal(
      {
        ...modalTarget(input),
        ...(input.view?.chart ? { chart: input.view.chart } : {}),
      },
      // No rasteriser: a modal without its chart stays without one rather than uploading it again.
      { ...modalDeps(deps), rasterize: undefined },
    );
    await deps.slack.updateView(viewId, view);
  } catch (error) {
    deps.logger.warn(
      { err: error, viewId },
      'the deep-dive modal clicked could not be updated; the action is recorded',
    );
  }
}
