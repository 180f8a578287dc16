/**
 * The "Log follow-up" modal: outcome (contacted / recovering / lost / not a real gap), next step,
 * note. Its block and action ids are exported from ids.ts; `readFollowUpSubmission` reads a
 * submission's `view.state.values` back, and the metadata helpers round-trip `private_metadata`.
 */

import { formatMoney } from '../../core/money.ts';
import { isIsoDay } from '../../core/next-steps.ts';
import type { FollowUpOutcome } from '../../core/types.ts';
import { type Block, type ModalView, plainText, plainUserText, section, userText } from './_blocks.ts';
import {
  ACTION_FOLLOW_UP_DUE,
  ACTION_FOLLOW_UP_NEXT_STEP,
  ACTION_FOLLOW_UP_NOTE,
  ACTION_FOLLOW_UP_OUTCOME,
  BLOCK_FOLLOW_UP_DUE,
  BLOCK_FOLLOW_UP_NEXT_STEP,
  BLOCK_FOLLOW_UP_NOTE,
  BLOCK_FOLLOW_UP_OUTCOME,
  CALLBACK_FOLLOW_UP,
  encodeCustomerJson,
  readCustomerJson,
} from './ids.ts';

export const FOLLOW_UP_OUTCOMES: readonly { value: FollowUpOutcome; label: string; description: string }[] = [
  { value: 'contacted', label: 'Contacted', description: 'Reached them; waiting to see' },
  { value: 'recovering', label: 'Recovering', description: 'Orders are coming back' },
  { value: 'lost', label: 'Lost', description: 'They have gone elsewhere' },
  { value: 'not_a_gap', label: 'Not a real gap', description: 'Seasonal, merged account, data issue…' },
];

export const NEXT_STEP_MAX = 300;
export const NOTE_MAX = 2000;
const METADATA_MAX = 3000;

/** Where the modal was opened from; carried in `private_metadata`. */
export interface FollowUpMetadata {
  customerId?: string;
  /** Set instead of `customerId` when the id is too long for the metadata; see `resolveCardKey`. */
  cardKey?: string;
  digestRunId?: string;
  /** Channel and ts of the digest message holding the card, to update it after the submission. */
  channelId?: string;
  messageTs?: string;
}

export function encodeFollowUpMetadata(meta: FollowUpMetadata & { customerId: string }): string {
  const rest = {
    ...(meta.digestRunId === undefined ? {} : { r: meta.digestRunId }),
    ...(meta.channelId === undefined ? {} : { ch: meta.channelId }),
    ...(meta.messageTs === undefined ? {} : { ts: meta.messageTs }),
  };
  return encodeCustomerJson(meta.customerId, rest, METADATA_MAX);
}

export function decodeFollowUpMetadata(text: string | undefined): FollowUpMetadata | null {
  if (!text) return null;
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    const out: FollowUpMetadata = readCustomerJson(o);
    if (typeof o.ch === 'string') out.channelId = o.ch;
    if (typeof o.ts === 'string') out.messageTs = o.ts;
    return out.customerId !== undefined || out.cardKey !== undefined ? out : null;
  } catch {
    return null;
  }
}

export interface FollowUpModalInput {
  customerId: string;
  customerName: string;
  digestRunId?: string;
  channelId?: string;
  messageTs?: string;
  /** Shown under the name for context. */
  gapAmountCents?: number;
  currency?: string;
  /** Pre-selected outcome (e.g. the last one logged). */
  initialOutcome?: FollowUpOutcome;
}

function outcomeOption(o: (typeof FOLLOW_UP_OUTCOMES)[number]) {
  return { text: plainText(o.label), value: o.value, description: plainText(o.description) };
}

/** The modal view for `views.open`. */
export function renderFollowUpModal(input: FollowUpModalInput): ModalView {
  const name =
    input.customerName === input.customerId
      ? input.customerId
      : `${input.customerName} (${input.customerId})`;
  const gap =
    input.gapAmountCents !== undefined
      ? ` · gap ${formatMoney(input.gapAmountCents, input.currency ?? 'USD')}`
      : '';
  const initial = FOLLOW_UP_OUTCOMES.find((o) => o.value === input.initialOutcome);
  const blocks: Block[] = [
    section(`*${userText(name, 300)}*${gap}`),
    {
      type: 'input',
      block_id: BLOCK_FOLLOW_UP_OUTCOME,
      label: plainText('Outcome'),
      element: {
        type: 'radio_buttons',
        action_id: ACTION_FOLLOW_UP_OUTCOME,
        options: FOLLOW_UP_OUTCOMES.map(outcomeOption),
        ...(initial ? { initial_option: outcomeOption(initial) } : {}),
      },
    },
    {
      type: 'input',
      block_id: BLOCK_FOLLOW_UP_NEXT_STEP,
      optional: true,
      label: plainText('Next step'),
      element: {
        type: 'plain_text_input',
        action_id: ACTION_FOLLOW_UP_NEXT_STEP,
        max_length: NEXT_STEP_MAX,
        placeholder: plainText('e.g. send the spring price list on Friday'),
      },
    },
    {
      type: 'input',
      block_id: BLOCK_FOLLOW_UP_DUE,
      optional: true,
      label: plainText('Next step due'),
      hint: plainText('You get a reminder by direct message that morning, with the customer’s figures.'),
      element: {
        type: 'datepicker',
        action_id: ACTION_FOLLOW_UP_DUE,
        placeholder: plainText('Pick a day'),
      },
    },
    {
      type: 'input',
      block_id: BLOCK_FOLLOW_UP_NOTE,
      optional: true,
      label: plainText('Note'),
      element: {
        type: 'plain_text_input',
        action_id: ACTION_FOLLOW_UP_NOTE,
        multiline: true,
        max_length: NOTE_MAX,
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK_FOLLOW_UP,
    title: plainText('Log follow-up'),
    submit: plainText('Save'),
    close: plainText('Cancel'),
    private_metadata: encodeFollowUpMetadata(input),
    blocks,
  };
}

/** What a follow-up submission says, or a per-block error to send back with `response_action: errors`. */
export type FollowUpSubmission =
  | { ok: true; outcome: FollowUpOutcome; nextStep?: string; nextStepDue?: string; note?: string }
  | { ok: false; errors: Record<string, string> };

type StateValues = Record<
  string,
  Record<
    string,
    { selected_option?: { value?: string } | null; value?: string | null; selected_date?: string | null }
  >
>;

/**
 * Reads `view.state.values` of a submitted follow-up modal. With `today` (YYYY-MM-DD, the configured
 * time zone), a due date before it is refused: a reminder for a day gone by would never come.
 */
export function readFollowUpSubmission(
  values: StateValues,
  options: { today?: string } = {},
): FollowUpSubmission {
  const outcome = values[BLOCK_FOLLOW_UP_OUTCOME]?.[ACTION_FOLLOW_UP_OUTCOME]?.selected_option?.value;
  const known = FOLLOW_UP_OUTCOMES.find((o) => o.value === outcome);
  if (!known) return { ok: false, errors: { [BLOCK_FOLLOW_UP_OUTCOME]: 'Pick an outcome.' } };
  const due = values[BLOCK_FOLLOW_UP_DUE]?.[ACTION_FOLLOW_UP_DUE]?.selected_date ?? undefined;
  if (due && !isIsoDay(due)) {
    return { ok: false, errors: { [BLOCK_FOLLOW_UP_DUE]: 'Pick the day from the calendar.' } };
  }
  if (due && options.today && due < options.today) {
    return {
      ok: false,
      errors: {
        [BLOCK_FOLLOW_UP_DUE]: `Pick today (${options.today}) or a later day: a reminder cannot go back in time.`,
      },
    };
  }
  const nextStep = values[BLOCK_FOLLOW_UP_NEXT_STEP]?.[ACTION_FOLLOW_UP_NEXT_STEP]?.value?.trim();
  const note = values[BLOCK_FOLLOW_UP_NOTE]?.[ACTION_FOLLOW_UP_NOTE]?.value?.trim();
  return {
    ok: true,
    outcome: known.value,
    ...(nextStep ? { nextStep: plainUserText(nextStep, NEXT_STEP_MAX) } : {}),
    ...(due ? { nextStepDue: due } : {}),
    ...(note ? { note: note.slice(0, NOTE_MAX) } : {}),
  };
}
