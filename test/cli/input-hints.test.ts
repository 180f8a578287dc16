/**
 * Issue 13, findings 7 and 8 through the real command: delimiter names from flag and env, and the
 * sales file read from standard input (`--sales -` and `--sales /dev/stdin`).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'revgap.mjs');
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(REVGAP_|SLACK_|DATABASE_URL$|PORT$)/.test(k)),
);

const rows = ['customer_id,date,amount'];
for (let w = 0; w < 16; w++) {
  const day = new Date(Date.UTC(2026, 0, 5 + 7 * w)).toISOString().slice(0, 10);
  rows.push(`C1,${day},100`, `C2,${day},${w < 12 ? 100 : 10}`);
}
const CSV = `${rows.join('\n')}\n`;

describe('delimiter names (finding 7)', () => {
  it('table: comma, semicolon, pipe and tab are accepted by flag and env, in any case', () => {
    const table: Array<[string, string]> = [
      ['comma', ','],
      ['semicolon', ';'],
      ['Pipe', '|'],
      ['tab', '\t'],
      [';', ';'],
    ];
    for (const [name, char] of table) {
      expect(loadConfig({ cwd: ROOT, env: {}, flags: { delimiter: name } }).data.delimiter).toBe(char);
      expect(loadConfig({ cwd: ROOT, env: { REVGAP_DELIMITER: name }, flags: {} }).data.delimiter).toBe(char);
    }
  });
});

describe('sales from standard input (finding 8)', () => {
  for (const path of ['-', '/dev/stdin']) {
    it(`analyze --sales ${path} reads the piped file`, () => {
      const run = spawnSync(process.execPath, [BIN, 'analyze', '--sales', path], {
        input: CSV,
        env: ENV,
        encoding: 'utf8',
      });
      expect(run.stderr).not.toContain('is empty');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('1 customer of 2 analysed shows a revenue gap, $360.00 in total');
    });
  }
});

describe('customer text on the terminal (finding 10)', () => {
  it('revgap customer prints names and segments without ESC, OSC, CR or bidi characters', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'revgap-evil-'));
    writeFileSync(join(dir, 's.csv'), CSV);
    writeFileSync(
      join(dir, 'c.csv'),
      'customer_id,name,segment\nC1,"Evil\u001b]0;pwned\u0007 Corp\r\u202eoG",Seg\u001b[31mred\nC2,Good Co,SMB\n',
    );
    for (const query of ['Evil', 'Co']) {
      const run = spawnSync(
        process.execPath,
        [BIN, 'customer', query, '--sales', join(dir, 's.csv'), '--customers', join(dir, 'c.csv')],
        { env: ENV, encoding: 'utf8' },
      );
      const out = run.stdout + run.stderr;
      expect(out).toContain('Evil');
      for (const c of ['\u001b', '\u0007', '\r', '\u202e']) expect(out).not.toContain(c);
    }
  });
});
