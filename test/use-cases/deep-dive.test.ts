/**
 * The one deep-dive use-case (use-cases/deep-dive.ts) and the one customer matcher behind it
 * (find-customer.ts), as `revgap customer` (markdown) and `/revgap` (Block Kit) both use them: the
 * same query finds the same customer, its figures are the same in both renderers, and typos are
 * forgiven the same way.
 */
import { describe, expect, it } from 'vitest';
import type { FollowUpEvent } from '../../src/core/types.ts';
import { createLogger } from '../../src/logger.ts';
import { renderDeepDiveMarkdown } from '../../src/render/deep-dive.ts';
import { encodeShareValue } from '../../src/render/slack/deep-dive-modal.ts';
import {
  deepDiveMessage,
  deepDiveModal,
  lookUpCustomer,
  shareDeepDive,
} from '../../src/use-cases/deep-dive.ts';
import { buildCustomerIndex } from '../../src/use-cases/find-customer.ts';
import { buildCustomer, buildSampleResult, sampleSettings } from '../helpers/build-result.ts';

const ids = (list: { customerId: string }[]) => list.map((c) => c.customerId);
const today = '2026-11-25';

function sourceOf(customers: ReturnType<typeof buildCustomer>[]) {
  const result = { ...buildSampleResult(), customers };
  return { result, settings: sampleSettings(), index: buildCustomerIndex(customers) };
}

const book = sourceOf([
  buildCustomer({ customerId: 'C1', name: 'Acme Foods' }),
  buildCustomer({ customerId: 'C10', name: 'Acme Hardware' }),
  buildCustomer({ customerId: 'acme', name: 'Zenith Labs' }),
  buildCustomer({ customerId: 'C2', name: 'Bolt Supply' }),
  buildCustomer({ customerId: 'C0092', name: 'Pinecrest Marine LLC' }),
  buildCustomer({ customerId: 'C0112', name: 'Pinecrest Coffee LLC' }),
]);

async function look(query: string) {
  return lookUpCustomer(query, book, {}, { today });
}

describe('lookUpCustomer: one matcher for the CLI and Slack', () => {
  it('takes an exact id over anything else, in any case', async () => {
    expect(await look('C1')).toMatchObject({ kind: 'found', dive: { customer: { customerId: 'C1' } } });
    expect(await look('acme')).toMatchObject({ kind: 'found', dive: { customer: { customerId: 'acme' } } });
    expect(await look('c2')).toMatchObject({ kind: 'found', dive: { customer: { customerId: 'C2' } } });
  });

  it('then a whole name, then every word typed in any order', async () => {
    expect(await look('bolt supply')).toMatchObject({
      kind: 'found',
      dive: { customer: { customerId: 'C2' } },
    });
    expect(await look('marine pinecrest')).toMatchObject({
      kind: 'found',
      dive: { customer: { customerId: 'C0092' } },
    });
    const both = await look('pinecrest llc');
    expect(both.kind).toBe('several');
    if (both.kind === 'several') {
      expect(ids(both.candidates).sort()).toEqual(['C0092', 'C0112']);
      expect(both.total).toBe(2);
    }
  });

  it('forgives a typo: ids and names within a few edits first, then look-alikes', async () => {
    const typo = await look('Bolt Suply');
    expect(typo.kind).toBe('none');
    if (typo.kind === 'none') expect(ids(typo.suggestions)[0]).toBe('C2');
    // "c3" is one edit from C1 and C2, two from C10.
    const id = await look('C3');
    if (id.kind !== 'none') throw new Error('expected no match');
    expect(ids(id.suggestions).slice(0, 3)).toEqual(['C1', 'C2', 'C10']);
    // Six edits from the whole name: the trigram look-alikes still find it.
    const far = await look('Pinecrst Marin');
    if (far.kind !== 'none') throw new Error('expected no match');
    expect(ids(far.suggestions)[0]).toBe('C0092');
  });

  it('suggests nothing for text far from every customer', async () => {
    expect(await look('Quasar Interstellar')).toEqual({
      kind: 'none',
      query: 'Quasar Interstellar',
      suggestions: [],
    });
  });
});

describe('one deep dive, two renderers', () => {
  const result = buildSampleResult();
  const source = { result, settings: sampleSettings(), index: buildCustomerIndex(result.customers) };
  const claim: FollowUpEvent = {
    id: 'e1',
    customerId: 'C001',
    kind: 'claim',
    userId: 'U01ALICE',
    at: '2026-11-24T10:00:00.000Z',
  };
  const store = {
    listFollowUps: async (id: string) => (id === 'C001' ? [claim] : []),
    getGapStates: async () => new Map(),
  } as never;

  it('gives the CLI and Slack the same customer and the same figures', async () => {
    const cli = await lookUpCustomer('acme corp', source, {}, { today });
    const slack = await lookUpCustomer('acme corp', source, { store }, { today });
    if (cli.kind !== 'found' || slack.kind !== 'found') throw new Error('expected Acme');
    expect(cli.dive.customer).toBe(slack.dive.customer);
    const markdown = renderDeepDiveMarkdown(
      cli.dive.customer,
      cli.dive.result,
      cli.dive.settings,
      cli.dive.history,
    );
    const blocks = JSON.stringify(deepDiveMessage(slack.dive, {}).blocks);
    // Gap, baseline and recent figures: the same in both.
    for (const figure of ['$2,000.00', '$500.00/wk', '$0.00/wk']) {
      expect(markdown).toContain(figure);
      expect(blocks).toContain(figure);
    }
    // The CLI has no store: no follow-up section; the bot shows the claim.
    expect(cli.dive.history).toBeUndefined();
    expect(markdown).not.toContain('Follow-up history');
    expect(slack.dive.history).toEqual([claim]);
    expect(blocks).toContain('claimed it');
  });
});

describe('deepDiveModal: the modal with its chart', () => {
  const result = buildSampleResult();
  const settings = sampleSettings();
  const index = buildCustomerIndex(result.customers);
  const loaded = { snapshot: { result }, settings, index } as never;
  const base = {
    snapshots: { load: async () => loaded },
    store: { listFollowUps: async () => [], getGapStates: async () => new Map() } as never,
    logger: createLogger({ level: 'silent' }),
    now: () => new Date('2026-11-25T09:00:00Z'),
  };
  const request = {
    customerId: 'C001',
    userId: 'U01ALICE',
    origin: { channelId: 'C0REV', messageTs: '1.1' },
  };

  it('draws the chart, uploads the PNG privately to the bot and shows it with the numbers as alt text', async () => {
    const uploads: Array<{
      channel?: string;
      content: string | Uint8Array;
      altText?: string;
      filename: string;
    }> = [];
    const svgs: string[] = [];
    const { view, withoutChart } = await deepDiveModal(request, {
      ...base,
      chat: {
        uploadFile: async (f) => {
          uploads.push(f);
          return { fileId: 'F0PNG' };
        },
      },
      rasterize: (svg) => {
        svgs.push(svg);
        return new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
      },
    });
    expect(svgs[0]).toContain('<svg');
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.channel).toBeUndefined();
    expect(uploads[0]!.filename).toBe('revgap-chart-C001.png');
    expect([...(uploads[0]!.content as Uint8Array)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const image = view.blocks.find((b) => b.type === 'image') as unknown as Record<string, unknown>;
    expect(image.slack_file).toEqual({ id: 'F0PNG' });
    expect(image.alt_text).toBe(uploads[0]!.altText);
    expect(image.alt_text).toContain('usual level (baseline) $500.00/wk');
    // The fallback for a file Slack has not finished processing: same modal, no image.
    expect(withoutChart?.blocks.some((b) => b.type === 'image')).toBe(false);
  });

  it('still shows the deep dive when the chart cannot be uploaded, saying why', async () => {
    // A fresh analysis: charts are remembered per analysis once uploaded.
    const fresh = buildSampleResult();
    const freshLoaded = {
      snapshot: { result: fresh },
      settings,
      index: buildCustomerIndex(fresh.customers),
    } as never;
    const { view } = await deepDiveModal(request, {
      ...base,
      snapshots: { load: async () => freshLoaded },
      chat: {
        uploadFile: async () => {
          throw new Error('ratelimited');
        },
      },
      rasterize: () => new Uint8Array([1]),
    });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Chart not shown: the chart could not be drawn or uploaded (ratelimited)');
    expect(text).toContain('Recommendation:');
  });

  it('says what to do when the customer is gone from the analysis', async () => {
    await expect(
      deepDiveModal(
        { ...request, customerId: 'C999' },
        { ...base, chat: { uploadFile: async () => ({ fileId: null }) } },
      ),
    ).rejects.toThrow(/C999 is not in the latest analysis/);
  });
});

describe('shareDeepDive: a short summary into the digest thread', () => {
  const result = buildSampleResult();
  const loaded = {
    snapshot: { result },
    settings: sampleSettings(),
    index: buildCustomerIndex(result.customers),
  } as never;
  const run = {
    id: 'run-1',
    channel: 'C0REV',
    parts: [
      { partIndex: 0, ts: '100.1' },
      { partIndex: 1, ts: '100.2' },
    ],
    priorities: [{ customerId: 'C001' }],
  };
  const store = {
    findDigestByMessage: async (_channel: string, ts: string) => (ts === '100.2' ? run : null),
    getDigestRunById: async () => null,
    listDigestRuns: async () => [],
  } as never;

  it('posts the summary under the digest parent, not at the top level', async () => {
    const posted: Array<{ channel: string; threadTs?: string; text: string }> = [];
    const chat = {
      postMessage: async (m: { channel: string; threadTs?: string; text: string }) => {
        posted.push(m);
        return { ts: '1', channel: m.channel };
      },
    };
    const value = encodeShareValue('C001', { channelId: 'C0REV', messageTs: '100.2' });
    const shared = await shareDeepDive(
      { value, userId: 'U01ALICE' },
      { snapshots: { load: async () => loaded }, store, chat },
    );
    expect(shared).toEqual({ posted: { channel: 'C0REV', threadTs: '100.1' } });
    expect(posted).toHaveLength(1);
    expect(posted[0]!.threadTs).toBe('100.1');
    expect(posted[0]!.text).toContain('Deep dive shared');
  });

  it('posts nothing and says why when no digest shows the customer', async () => {
    const value = encodeShareValue('C002', { channelId: 'C0OTHER', messageTs: '5.5' });
    const shared = await shareDeepDive(
      { value, userId: 'U01ALICE' },
      {
        snapshots: { load: async () => loaded },
        store,
        chat: {
          postMessage: async () => {
            throw new Error('must not post');
          },
        },
      },
    );
    expect(shared).toMatchObject({ notPosted: expect.stringContaining('No digest shows this customer') });
  });
});
