/**
 * Micro-benchmark of the sales CSV reader: 100,000 customers x 52 weeks = 5.2M rows (~135 MB).
 * Generates its data once under bench/.data/ (gitignored), then reads it and prints rows/s and the
 * peak RSS. Run: `node --import tsx bench/csv-read.ts [--engine csv-parse] [--wide] [--quoted]`.
 *   --wide    two more columns (order_id, product), as many exports have
 *   --quoted  every field quoted ("C000123","2026-01-05","123.45"), as some exporters write
 *   --rows N  customers (default 100000)
 *   --threads on|off|auto  parse in a worker thread (default off here: this measures the parser)
 *   --ledger N   read into a weekly ledger (readSalesLedgerCsv) in N byte ranges in parallel worker
 *                threads (0: on this thread), as `revgap analyze` reads
 *   --file PATH  read this sales file instead (e.g. bench/.data/c100000-w52-s42-v3/sales.csv)
 *   --fold       with --threads: fold each row into a ledger on this thread (the reader before the
 *                ledger was built in the workers), to compare the main thread's load with --ledger
 * Also prints the main thread's own CPU time (Linux: /proc/self/task/PID/stat, steady under load)
 * and its longest event-loop stall (wall time: inflated on a busy machine): what a bot answering
 * while it refreshes would feel.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance as perf } from 'node:perf_hooks';
import { createLedgerBuilder } from '../src/core/ledger.ts';
import { readSalesCsv, readSalesLedgerCsv } from '../src/sources/csv/read-sales-csv.ts';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const value = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const customers = Number(value('--rows') ?? 100_000);
const weeks = 52;
const wide = flag('--wide');
const quoted = flag('--quoted');
const engine = value('--engine') === 'csv-parse' ? 'csv-parse' : 'fast';
const threadsFlag = value('--threads') ?? 'off';
const threads = threadsFlag === 'auto' ? 'auto' : threadsFlag === 'on';

const dir = join(import.meta.dirname, '.data');
const file =
  value('--file') ??
  join(dir, `sales-${customers}x${weeks}${wide ? '-wide' : ''}${quoted ? '-quoted' : ''}.csv`);
const ledgerRanges = value('--ledger');

async function generate(): Promise<void> {
  await mkdir(dir, { recursive: true });
  const out = createWriteStream(file);
  const q = (s: string): string => (quoted ? `"${s}"` : s);
  out.write(wide ? 'customer_id,date,amount,order_id,product\n' : 'customer_id,date,amount\n');
  let seed = 12345;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const start = Date.UTC(2025, 0, 6);
  let order = 0;
  for (let c = 0; c < customers; c++) {
    const id = `C${String(c).padStart(6, '0')}`;
    let chunk = '';
    for (let w = 0; w < weeks; w++) {
      const date = new Date(start + w * 7 * 86_400_000).toISOString().slice(0, 10);
      const cents = Math.floor(random() * 50_000);
      const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      chunk += `${q(id)},${q(date)},${q(amount)}`;
      if (wide) chunk += `,${q(`O${++order}`)},${q(`SKU-${c % 500}`)}`;
      chunk += '\n';
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

if (!existsSync(file)) {
  const t = performance.now();
  await generate();
  console.log(`generated ${file} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const size = statSync(file).size;

let rows = 0;
let total = 0;
/** CPU seconds of the main thread alone (utime + stime of its task, in clock ticks of 10 ms). */
function mainThreadCpuSeconds(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
const main0 = mainThreadCpuSeconds();
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const elu0 = perf.eventLoopUtilization();
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let mode: string;
let quality: Awaited<ReturnType<typeof readSalesCsv>>;
if (ledgerRanges !== undefined) {
  const ranges = Number(ledgerRanges);
  const read = await readSalesLedgerCsv(
    { path: file, engine, ...(ranges > 0 ? { ranges } : { threads: false }) },
    { kind: 'week', weekStartsOn: 1 },
  );
  quality = read.dataQuality;
  rows = read.ledger.rows;
  for (const c of read.ledger.customers.values()) for (const cents of c.net) total += cents;
  mode = ranges > 0 ? `ledger ranges=${ranges}` : 'ledger on this thread';
} else if (flag('--fold')) {
  const builder = createLedgerBuilder({ kind: 'week', weekStartsOn: 1 });
  quality = await readSalesCsv({ path: file, engine, threads }, (row) => builder.add(row));
  const ledger = builder.build();
  rows = ledger.rows;
  for (const c of ledger.customers.values()) for (const cents of c.net) total += cents;
  mode = `threads=${threadsFlag}, rows folded on this thread`;
} else {
  quality = await readSalesCsv({ path: file, engine, threads }, (row) => {
    rows++;
    total += row.amountCents;
  });
  mode = `threads=${threadsFlag}`;
}
delay.disable();
const elu = perf.eventLoopUtilization(elu0);
const mainCpu = mainThreadCpuSeconds() - main0;
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const rss = process.resourceUsage().maxRSS / 1024;
const memory = process.memoryUsage();
const mib = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MiB`;
console.log(
  `${engine}${wide ? ' wide' : ''}${quoted ? ' quoted' : ''} ${mode}: ` +
    `${rows.toLocaleString('en-US')} rows, ` +
    `${(size / 2 ** 20).toFixed(0)} MiB in ${seconds.toFixed(2)} s = ` +
    `${Math.round(rows / seconds).toLocaleString('en-US')} rows/s (CPU ${cpuSeconds.toFixed(2)} s = ` +
    `${Math.round(rows / cpuSeconds).toLocaleString('en-US')} rows/CPU-s), peak RSS ${rss.toFixed(0)} MiB ` +
    `(rejected ${quality.rowsRejected}, duplicates ${quality.duplicateRows}, total ${total}); at the end: ` +
    `heap ${mib(memory.heapUsed)} of ${mib(memory.heapTotal)}, array buffers ${mib(memory.arrayBuffers)}; ` +
    `main thread CPU ${mainCpu.toFixed(2)} s (busy ${(elu.active / 1000).toFixed(2)} s of wall), ` +
    `longest stall ${(delay.max / 1e6).toFixed(0)} ms; ` +
    `load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
