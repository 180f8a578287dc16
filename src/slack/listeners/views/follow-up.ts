/**
 * The follow-up modal's submission (outcome, next step, note): the modal closes at once and the
 * follow-up is recorded, announced in the digest thread and shown on the card.
 */
import type { App } from '@slack/bolt';
import { readFollowUpSubmission } from '../../../render/slack/follow-up-modal.ts';
import { CALLBACK_FOLLOW_UP } from '../../../render/slack/ids.ts';
import { submitFollowUp } from '../../card-actions.ts';
import { viewSubmissionKey } from '../../reliability/delivery-keys.ts';
import type { SlackDeps } from '../../slack-deps.ts';

export function register(app: App, deps: SlackDeps): void {
  app.view(CALLBACK_FOLLOW_UP, async ({ ack, body, view }) => {
    const submission = readFollowUpSubmission(
      view.state.values as Parameters<typeof readFollowUpSubmission>[0],
      deps.today ? { today: deps.today() } : {},
    );
    if (!submission.ok) {
      // Keeps the modal open with the message under the field.
      await ack({ response_action: 'errors', errors: submission.errors });
      return;
    }
    await ack();
    await submitFollowUp(
      {
        userId: body.user.id,
        privateMetadata: view.private_metadata,
        outcome: submission.outcome,
        ...(submission.nextStep ? { nextStep: submission.nextStep } : {}),
        ...(submission.nextStepDue ? { nextStepDue: submission.nextStepDue } : {}),
        ...(submission.note ? { note: submission.note } : {}),
        eventId: viewSubmissionKey(body),
      },
      deps,
    );
  });
}
