import { describe, expect, it } from 'vitest';
import { checkView } from '../../../src/render/slack/block-kit-limits.ts';
import {
  decodeFollowUpMetadata,
  encodeFollowUpMetadata,
  readFollowUpSubmission,
  renderFollowUpModal,
} from '../../../src/render/slack/follow-up-modal.ts';
import { cardKey } from '../../../src/render/slack/ids.ts';

describe('renderFollowUpModal', () => {
  it('asks for outcome, next step, its due date and note', () => {
    const view = renderFollowUpModal({
      customerId: 'C001',
      customerName: 'Acme',
      digestRunId: 'run-7',
      channelId: 'C0DIGEST',
      messageTs: '1700000000.000100',
      gapAmountCents: 200_000,
      currency: 'USD',
    });
    expect(checkView(view as unknown as Record<string, unknown>)).toEqual([]);
    expect(view.callback_id).toBe('follow_up_modal');
    expect(view.private_metadata).toBe('{"c":"C001","r":"run-7","ch":"C0DIGEST","ts":"1700000000.000100"}');
    expect(view.blocks.map((b) => [b.type, b.block_id])).toEqual([
      ['section', undefined],
      ['input', 'follow_up_outcome'],
      ['input', 'follow_up_next_step'],
      ['input', 'follow_up_due'],
      ['input', 'follow_up_note'],
    ]);
    expect(JSON.stringify(view.blocks[3])).toContain('"type":"datepicker"');
    expect(JSON.stringify(view.blocks[0])).toContain('*Acme (C001)* · gap $2,000.00');
    expect(JSON.stringify(view.blocks[1])).toContain('"value":"not_a_gap"');
  });

  it('fits with a huge customer id and name, keeping the metadata under 3000 chars', () => {
    const id = 'i'.repeat(5000);
    const view = renderFollowUpModal({
      customerId: id,
      customerName: '<&>'.repeat(300),
      digestRunId: 'run-7',
    });
    expect(checkView(view as unknown as Record<string, unknown>)).toEqual([]);
    expect(decodeFollowUpMetadata(view.private_metadata)).toEqual({
      cardKey: cardKey(id),
      digestRunId: 'run-7',
    });
  });

  it('pre-selects an initial outcome', () => {
    const view = renderFollowUpModal({ customerId: 'C1', customerName: 'C1', initialOutcome: 'recovering' });
    expect(JSON.stringify(view.blocks[1])).toContain(
      '"initial_option":{"text":{"type":"plain_text","text":"Recovering"',
    );
  });
});

describe('follow-up metadata', () => {
  it('round-trips', () => {
    const text = encodeFollowUpMetadata({
      customerId: 'C1',
      digestRunId: 'r',
      channelId: 'C',
      messageTs: '1.2',
    });
    expect(decodeFollowUpMetadata(text)).toEqual({
      customerId: 'C1',
      digestRunId: 'r',
      channelId: 'C',
      messageTs: '1.2',
    });
    expect(decodeFollowUpMetadata('nope')).toBeNull();
  });
});

describe('readFollowUpSubmission', () => {
  it('reads outcome, next step and note', () => {
    expect(
      readFollowUpSubmission({
        follow_up_outcome: { follow_up_outcome_select: { selected_option: { value: 'contacted' } } },
        follow_up_next_step: { follow_up_next_step_input: { value: '  send prices \n' } },
        follow_up_note: { follow_up_note_input: { value: 'on leave\nback Monday' } },
      }),
    ).toEqual({ ok: true, outcome: 'contacted', nextStep: 'send prices', note: 'on leave\nback Monday' });
  });

  it('leaves out empty optional fields', () => {
    expect(
      readFollowUpSubmission({
        follow_up_outcome: { follow_up_outcome_select: { selected_option: { value: 'lost' } } },
        follow_up_next_step: { follow_up_next_step_input: { value: null } },
        follow_up_note: { follow_up_note_input: { value: '   ' } },
      }),
    ).toEqual({ ok: true, outcome: 'lost' });
  });

  it('asks for an outcome when none is picked', () => {
    expect(readFollowUpSubmission({})).toEqual({
      ok: false,
      errors: { follow_up_outcome: 'Pick an outcome.' },
    });
  });

  it('reads the due date, and refuses one that is no calendar day or is before today', () => {
    const values = (date: string | null) => ({
      follow_up_outcome: { follow_up_outcome_select: { selected_option: { value: 'contacted' } } },
      follow_up_next_step: { follow_up_next_step_input: { value: 'call Friday' } },
      follow_up_due: { follow_up_due_date: { selected_date: date } },
    });
    expect(readFollowUpSubmission(values('2026-11-27'), { today: '2026-11-25' })).toEqual({
      ok: true,
      outcome: 'contacted',
      nextStep: 'call Friday',
      nextStepDue: '2026-11-27',
    });
    expect(readFollowUpSubmission(values(null))).toEqual({
      ok: true,
      outcome: 'contacted',
      nextStep: 'call Friday',
    });
    expect(readFollowUpSubmission(values('2026-11-24'), { today: '2026-11-25' })).toEqual({
      ok: false,
      errors: { follow_up_due: 'Pick today (2026-11-25) or a later day: a reminder cannot go back in time.' },
    });
    expect(readFollowUpSubmission(values('2026-13-01'))).toEqual({
      ok: false,
      errors: { follow_up_due: 'Pick the day from the calendar.' },
    });
  });
});
