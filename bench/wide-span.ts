/**
 * Issue 13, finding 5: memory follows the rows, not the date span. Writes 5,000 customers with one
 * row on 1900-01-01 and one on 2999-12-31 (~230 KB), runs `revgap analyze` on it under
 * `/usr/bin/time -v` and prints the exit code, the first line of stderr and the peak RSS against
 * the 300 MB target. Before the ledger's memory cap this took 3.1 GB.
 *
 *   node --import tsx bench/wide-span.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(ROOT, 'bench', '.data');
mkdirSync(dir, { recursive: true });
const file = join(dir, 'wide-span.csv');
const lines = ['customer_id,date,amount'];
for (let i = 0; i < 5000; i++) lines.push(`C${i},1900-01-01,100`, `C${i},2999-12-31,100`);
writeFileSync(file, `${lines.join('\n')}\n`);

const run = spawnSync(
  '/usr/bin/time',
  ['-v', 'node', join(ROOT, 'bin', 'revgap.mjs'), 'analyze', '--sales', file],
  {
    encoding: 'utf8',
  },
);
const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr ?? '');
const peakMb = rss ? Number(rss[1]) / 1024 : Number.NaN;
console.log(`exit code ${run.status}; ${(run.stderr ?? '').split('\n')[0]}`);
console.log(`peak RSS ${peakMb.toFixed(0)} MB (target < 300 MB): ${peakMb < 300 ? 'ok' : 'OVER'}`);
