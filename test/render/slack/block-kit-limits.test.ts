import { describe, expect, it } from 'vitest';
import {
  checkMessage,
  checkView,
  measureBlockText,
  truncateText,
} from '../../../src/render/slack/block-kit-limits.ts';

const text = (n: number) => 'x'.repeat(n);
const mrkdwnSection = (n: number, blockId?: string) => ({
  type: 'section',
  text: { type: 'mrkdwn', text: text(n) },
  ...(blockId ? { block_id: blockId } : {}),
});

function messages(violations: { message: string }[]): string[] {
  return violations.map((v) => v.message);
}

describe('checkMessage', () => {
  it('accepts a small message with a fallback text', () => {
    expect(checkMessage({ text: 'hello', blocks: [mrkdwnSection(10)] })).toEqual([]);
  });

  it('names the path and sizes of a section text over 3000 chars', () => {
    const blocks = [mrkdwnSection(1), mrkdwnSection(1), mrkdwnSection(1), mrkdwnSection(3012)];
    expect(checkMessage({ text: 'x', blocks })).toEqual([
      {
        path: 'blocks[3].text.text',
        limit: 3000,
        actual: 3012,
        message: 'blocks[3].text.text: 3012 chars > 3000',
      },
    ]);
  });

  it('requires a fallback text', () => {
    expect(messages(checkMessage({ text: ' ', blocks: [mrkdwnSection(1)] }))).toEqual([
      'text: fallback text is missing (notifications and screen readers need it)',
    ]);
  });

  it('keeps a fallback text next to blocks short, but lets a plain message be long', () => {
    expect(messages(checkMessage({ text: text(3001), blocks: [mrkdwnSection(1)] }))).toEqual([
      'text: 3001 chars > 3000',
    ]);
    expect(checkMessage({ text: text(39_000) })).toEqual([]);
    expect(messages(checkMessage({ text: text(40_001) }))).toEqual(['text: 40001 chars > 40000']);
  });

  it('allows 50 blocks and refuses 51', () => {
    const fifty = Array.from({ length: 50 }, () => ({ type: 'divider' }));
    expect(checkMessage({ text: 'x', blocks: fifty })).toEqual([]);
    expect(messages(checkMessage({ text: 'x', blocks: [...fifty, { type: 'divider' }] }))).toEqual([
      'blocks: 51 blocks > 50',
    ]);
  });

  it('refuses a repeated block_id and one over 255 chars', () => {
    const blocks = [mrkdwnSection(1, 'a'), mrkdwnSection(1, 'a'), mrkdwnSection(1, text(256))];
    expect(messages(checkMessage({ text: 'x', blocks }))).toEqual([
      'blocks[1].block_id: "a" repeats blocks[0]',
      'blocks[2].block_id: 256 chars > 255',
    ]);
  });

  it('checks header length and that it is plain text', () => {
    const blocks = [{ type: 'header', text: { type: 'mrkdwn', text: text(151) } }];
    expect(messages(checkMessage({ text: 'x', blocks }))).toEqual([
      'blocks[0].text.text: 151 chars > 150',
      'blocks[0].text.type: a header takes plain_text',
    ]);
  });

  it('checks section fields: at most 10, each at most 2000', () => {
    const fields = Array.from({ length: 11 }, (_, i) => ({ type: 'mrkdwn', text: text(i === 3 ? 2001 : 5) }));
    expect(messages(checkMessage({ text: 'x', blocks: [{ type: 'section', fields }] }))).toEqual([
      'blocks[0].fields: 11 fields > 10',
      'blocks[0].fields[3].text: 2001 chars > 2000',
    ]);
  });

  it('checks buttons: text 75, value 2000, url 3000, action_id 255', () => {
    const btn = {
      type: 'button',
      text: { type: 'plain_text', text: text(76) },
      value: text(2001),
      url: text(3001),
      action_id: text(256),
    };
    expect(messages(checkMessage({ text: 'x', blocks: [{ type: 'actions', elements: [btn] }] }))).toEqual([
      'blocks[0].elements[0].action_id: 256 chars > 255',
      'blocks[0].elements[0].text.text: 76 chars > 75',
      'blocks[0].elements[0].value: 2001 chars > 2000',
      'blocks[0].elements[0].url: 3001 chars > 3000',
    ]);
  });

  it('counts context elements (10) and actions elements (25)', () => {
    const el = { type: 'mrkdwn', text: 'a' };
    const btn = { type: 'button', text: { type: 'plain_text', text: 'b' }, action_id: 'b' };
    const blocks = [
      { type: 'context', elements: Array.from({ length: 11 }, () => el) },
      { type: 'actions', elements: Array.from({ length: 26 }, (_, i) => ({ ...btn, action_id: `b${i}` })) },
    ];
    expect(messages(checkMessage({ text: 'x', blocks }))).toEqual([
      'blocks[0].elements: 11 elements > 10',
      'blocks[1].elements: 26 elements > 25',
    ]);
  });

  it('checks options: text, value and description 75, at most 100 in a select, 5 in an overflow', () => {
    const option = (i: number) => ({ text: { type: 'plain_text', text: `o${i}` }, value: `v${i}` });
    const select = {
      type: 'static_select',
      action_id: 's',
      options: [
        {
          text: { type: 'plain_text', text: text(76) },
          value: text(76),
          description: { type: 'plain_text', text: text(76) },
        },
        ...Array.from({ length: 100 }, (_, i) => option(i)),
      ],
    };
    const overflow = {
      type: 'overflow',
      action_id: 'o',
      options: Array.from({ length: 6 }, (_, i) => option(i)),
    };
    const blocks = [
      { type: 'section', text: { type: 'mrkdwn', text: 'a' }, accessory: select },
      { type: 'actions', elements: [overflow] },
    ];
    expect(messages(checkMessage({ text: 'x', blocks }))).toEqual([
      'blocks[0].accessory.options: 101 options > 100',
      'blocks[0].accessory.options[0].text.text: 76 chars > 75',
      'blocks[0].accessory.options[0].value: 76 chars > 75',
      'blocks[0].accessory.options[0].description.text: 76 chars > 75',
      'blocks[1].elements[0].options: 6 options > 5',
    ]);
  });

  it('sums markdown blocks against 12,000 chars', () => {
    const md = { type: 'markdown', text: text(6001) };
    expect(messages(checkMessage({ text: 'x', blocks: [md, md] }))).toContain(
      'blocks: 12002 chars in markdown blocks > 12000',
    );
  });

  it('refuses more than about 13,200 chars of block text in total', () => {
    const blocks = Array.from({ length: 5 }, () => mrkdwnSection(2700));
    expect(messages(checkMessage({ text: 'x', blocks }))).toEqual([
      'blocks: 13500 chars of block text > 13200 (msg_blocks_too_long)',
    ]);
  });

  it('checks table blocks: one per message, 100 rows, 20 cells', () => {
    const table = { type: 'table', rows: [Array.from({ length: 21 }, () => ({}))] };
    expect(messages(checkMessage({ text: 'x', blocks: [table, { type: 'table', rows: [] }] }))).toEqual([
      'blocks[0].rows[0]: 21 cells > 20',
      'blocks: 2 table blocks > 1',
    ]);
  });
});

describe('checkView', () => {
  const modal = {
    type: 'modal',
    callback_id: 'cb',
    title: { type: 'plain_text', text: 'Log follow-up' },
    submit: { type: 'plain_text', text: 'Save' },
    blocks: [],
  };

  it('accepts a small modal', () => {
    expect(checkView(modal)).toEqual([]);
  });

  it('checks title, submit and close (24), private_metadata (3000) and callback_id (255)', () => {
    const view = {
      ...modal,
      title: { type: 'plain_text', text: text(25) },
      submit: { type: 'plain_text', text: text(25) },
      close: { type: 'plain_text', text: text(25) },
      private_metadata: text(3001),
      callback_id: text(256),
    };
    expect(messages(checkView(view))).toEqual([
      'title.text: 25 chars > 24',
      'submit.text: 25 chars > 24',
      'close.text: 25 chars > 24',
      'private_metadata: 3001 chars > 3000',
      'callback_id: 256 chars > 255',
    ]);
  });

  it('checks image blocks: one source (image_url or slack_file by id or url), alt text', () => {
    const modal = (image: Record<string, unknown>) =>
      checkView({
        type: 'modal',
        title: { type: 'plain_text', text: 'Deep dive' },
        blocks: [{ type: 'image', ...image }],
      });
    expect(modal({ slack_file: { id: 'F1' }, alt_text: 'Revenue' })).toEqual([]);
    expect(modal({ image_url: 'https://x.test/c.png', alt_text: 'Revenue' })).toEqual([]);
    expect(modal({ alt_text: 'Revenue' }).map((v) => v.message)).toEqual([
      'blocks[0]: an image needs exactly one of image_url and slack_file',
    ]);
    expect(
      modal({ image_url: 'https://x.test/c.png', slack_file: { id: 'F1' }, alt_text: 'R' }).map(
        (v) => v.message,
      ),
    ).toEqual(['blocks[0]: an image needs exactly one of image_url and slack_file']);
    expect(
      modal({ slack_file: { id: 'F1', url: 'https://x.test/f' }, alt_text: 'R' }).map((v) => v.message),
    ).toEqual(['blocks[0].slack_file: slack_file needs exactly one of id and url']);
    expect(modal({ slack_file: { id: 'F1' } }).map((v) => v.message)).toEqual([
      'blocks[0].alt_text: an image needs alt text',
    ]);
  });

  it('allows 100 blocks in a modal and refuses 101', () => {
    const blocks = Array.from({ length: 101 }, () => ({ type: 'divider' }));
    expect(messages(checkView({ ...modal, blocks }))).toEqual(['blocks: 101 blocks > 100']);
    expect(checkView({ ...modal, blocks: blocks.slice(1) })).toEqual([]);
  });
});

describe('measureBlockText', () => {
  it('sums every text string at any depth', () => {
    const blocks = [
      mrkdwnSection(10),
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'abc' }, value: 'zzzz' }],
      },
    ];
    expect(measureBlockText(blocks)).toBe(13);
  });
});

describe('truncateText', () => {
  it('leaves short text alone', () => {
    expect(truncateText('hello', 5)).toBe('hello');
  });

  it('cuts long text to the limit, ending in an ellipsis', () => {
    expect(truncateText('hello world', 8)).toBe('hello w…');
    expect(truncateText('hello world', 8)).toHaveLength(8);
  });

  it('never splits an emoji or a surrogate pair', () => {
    // '👍🏽' is 4 UTF-16 units (two surrogate pairs), one grapheme.
    expect(truncateText('ab👍🏽cd', 5)).toBe('ab…');
    expect(truncateText('ab👍🏽cd', 7)).toBe('ab👍🏽…');
  });

  it('never splits a letter from its combining accent', () => {
    expect(truncateText('cafe\u0301 noir', 5)).toBe('caf…');
  });

  it('returns an empty string for a zero limit', () => {
    expect(truncateText('abc', 0)).toBe('');
  });
});
