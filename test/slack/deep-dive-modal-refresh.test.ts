/**
 * A click in the deep-dive modal (Claim, Release, Snooze) renders the modal again with views.update,
 * showing the new state and keeping the chart image it showed (no new upload).
 */
import { describe, expect, it } from 'vitest';
import type { FollowUpEvent, GapState } from '../../src/core/types.ts';
import { createLogger } from '../../src/logger.ts';
import { handleCardAction } from '../../src/slack/card-actions.ts';
import { refreshDeepDive } from '../../src/slack/deep-dive-modal.ts';
import type { SlackClient } from '../../src/slack/slack-client.ts';
import type { SlackDeps } from '../../src/slack/slack-deps.ts';
import type { StateStore } from '../../src/store/state-store.ts';
import { buildSampleResult } from '../helpers/build-result.ts';
import { holderWith } from '../helpers/snapshot-holder.ts';

describe('refreshDeepDive', () => {
  it('updates the modal clicked with the new state, keeping its chart and uploading nothing', async () => {
    const result = buildSampleResult();
    const snapshots = holderWith(result);
    const state: GapState = { customerId: 'C002', status: 'claimed', ownerUserId: 'U0ALICE' };
    const claim: FollowUpEvent = {
      id: 'e1',
      customerId: 'C002',
      kind: 'claim',
      userId: 'U0ALICE',
      at: '2026-11-23T09:00:00.000Z',
    };
    const updated: Array<[string, unknown]> = [];
    let uploads = 0;
    const deps = {
      slack: {
        updateView: async (id: string, view: unknown) => void updated.push([id, view]),
        uploadFile: async () => {
          uploads++;
          return { fileId: 'F-NEW' };
        },
      } as unknown as SlackClient,
      store: {
        // Alice's claim: the history the deep dive reads, and the state that follows from it.
        listFollowUps: async () => [claim],
        getGapStates: async () => new Map([['C002', state]]),
      } as unknown as StateStore,
      snapshots,
      digestChannel: 'C1',
      logger: createLogger({ level: 'silent' }),
      now: () => new Date('2026-11-24T08:00:00.000Z'),
    } satisfies SlackDeps;
    await refreshDeepDive(
      {
        userId: 'U0ALICE',
        channel: 'C1',
        messageTs: '1.1',
        customerId: 'C002',
        view: { id: 'V1', chart: { fileId: 'F-CHART', altText: 'Revenue by week: ...' } },
      },
      'V1',
      deps,
    );
    expect(updated.map(([id]) => id)).toEqual(['V1']);
    const shown = JSON.stringify(updated[0]?.[1]);
    expect(shown).toContain('"slack_file":{"id":"F-CHART"}');
    // Alice holds it and only she sees the modal: Release.
    expect(shown).toContain('"action_id":"gap_release"');
    expect(uploads).toBe(0);
  });
});

describe('a click in a deep-dive modal opened from the Home tab', () => {
  it('records the action and renders that modal again too (no channel, no message)', async () => {
    const result = buildSampleResult();
    const snapshots = holderWith(result);
    const events: FollowUpEvent[] = [];
    const updated: string[] = [];
    const homes: string[] = [];
    const deps = {
      slack: {
        updateView: async (id: string) => void updated.push(id),
        postEphemeral: async () => {
          throw new Error('no channel to post an ephemeral in');
        },
      } as unknown as SlackClient,
      store: {
        findDigestByMessage: async () => null,
        getDigestRunById: async () => null,
        listDigestRuns: async () => [],
        listFollowUps: async () => events,
        recordFollowUp: async (e: FollowUpEvent) => {
          events.push(e);
          return true;
        },
        getGapStates: async () =>
          events.length > 0
            ? new Map([
                ['C002', { customerId: 'C002', status: 'claimed', ownerUserId: 'U0ALICE' } as GapState],
              ])
            : new Map(),
      } as unknown as StateStore,
      snapshots,
      digestChannel: 'C1',
      logger: createLogger({ level: 'silent' }),
      now: () => new Date('2026-11-24T08:00:00.000Z'),
      onRecorded: async (e: FollowUpEvent) => void homes.push(e.userId),
    } satisfies SlackDeps;
    await handleCardAction(
      {
        kind: 'claim',
        eventId: 'e-1',
        userId: 'U0ALICE',
        channel: '',
        messageTs: '',
        customerId: 'C002',
        view: { id: 'V7' },
      },
      deps,
    );
    expect(events.map((e) => [e.kind, e.customerId])).toEqual([['claim', 'C002']]);
    expect(homes).toEqual(['U0ALICE']);
    expect(updated).toEqual(['V7']);
  });
});
