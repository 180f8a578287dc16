/**
 * Issue 13, findings 10 and 12: text from the files is untrusted wherever it is shown. Terminal
 * output loses control and bidi characters; markdown and Slack text lose them too and are escaped;
 * every Slack mrkdwn text object is `verbatim` so customer text is not auto-linked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, escapeMrkdwn, jsonSafe, terminalSafe } from '../../src/render/format.ts';
import { renderGapCard } from '../../src/render/slack/card.ts';
import { BOLT, priorityOf } from '../helpers/build-result.ts';

// ESC, OSC (set title, ended by BEL), CR, C1 CSI, DEL, bidi overrides, isolates and marks.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const EVIL = 'Evil\u001b]0;pwned\u0007 Corp\r\u202egnp.exe\u009b31m\u2066x\u2069';

describe('untrusted text', () => {
  it('repro: an ESC/OSC/CR/U+202E customer name reaches no output raw', () => {
    for (const out of [terminalSafe(EVIL), escapeMarkdown(EVIL), escapeMrkdwn(EVIL)]) {
      expect(out).not.toMatch(UNSAFE);
      expect(out).toContain('Evil');
      expect(out).toContain('Corp');
    }
  });

  it('property: no control or bidi character survives, newlines and tabs do on the terminal', () => {
    const chars = fc.oneof(
      fc.string({ maxLength: 5 }),
      fc.constantFrom(
        '\u001b',
        '\u0007',
        '\r',
        '\n',
        '\t',
        '\u009b',
        '\u202e',
        '\u2067',
        '\u200f',
        '\u061c',
        '\u007f',
      ),
    );
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 20 }), (parts) => {
        const text = `x${parts.join('')}`;
        expect(terminalSafe(text)).not.toMatch(UNSAFE);
        expect(escapeMarkdown(text)).not.toMatch(UNSAFE);
        expect(escapeMrkdwn(text)).not.toMatch(UNSAFE);
        expect(terminalSafe(text).split('\n').length).toBe(text.split('\n').length);
        // JSON keeps the value: the escapes parse back to the same string.
        const json = jsonSafe(JSON.stringify({ name: text }));
        expect(json).not.toMatch(UNSAFE);
        expect(JSON.parse(json).name).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps revgap's own progress sequences (a leading CR and erase-line)", () => {
    expect(terminalSafe('\rreading 10%\u001b[K')).toBe('\rreading 10%\u001b[K');
    expect(terminalSafe('a\rb')).toBe('ab');
  });

  it('finding 12: Slack text objects are verbatim, so a URL or #channel in a name is not linked', () => {
    const card = renderGapCard(
      { ...priorityOf(BOLT), customerName: 'Visit http://evil.example #general <!channel>' },
      undefined,
      { currency: 'USD', series: BOLT.series, digestRunId: 'run-7' },
    );
    const texts: Array<{ type: string; verbatim?: boolean; text: string }> = [];
    JSON.stringify(card, (_k, v) => {
      if (v && typeof v === 'object' && v.type === 'mrkdwn') texts.push(v);
      return v;
    });
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) expect(t.verbatim).toBe(true);
    expect(JSON.stringify(card)).toContain('&lt;!channel&gt;');
  });
});
