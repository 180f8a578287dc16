/**
 * Benchmark: `revgap analyze` on 100,000 customers x 52 weeks of generated sales (5,523,696
 * rows, 180 MB), run as a child process the way users run it. Reports wall time, rows per second
 * and peak RSS against the targets (< 6 s, < 400 MB).
 *
 *   npm run bench                       # 3 runs on the cached data set
 *   npm run bench -- --runs 1 --cpu-prof  # also write a .cpuprofile to bench/.data/profiles/
 *   npm run bench -- --customers 20000 --weeks 52
 *   npm run bench -- --source           # the TypeScript sources through tsx, not dist/
 *   npm run bench -- --no-compare       # without the DuckDB and Postgres comparisons
 *   npm run bench -- --no-answers       # without the answer-latency run (1,000,000 customers)
 *   npm run bench -- --no-shapes        # without the runs on the same rows in other orders and formats
 *   npm run bench -- --refresh-stall    # also the event loop during a serve-style refresh of the
 *                                       # large set (bench/refresh-stall.ts), paused and not
 *   npm run bench -- --help-during-refresh  # also `/revgap help` every 50 ms at the bot in HTTP mode
 *                                       # while it refreshes the large set (bench/help-during-refresh.ts)
 *   npm run bench -- --no-backtest      # analyze only (by default `revgap backtest --step 1
 *                                       # --horizon 8` runs as often, side by side; target < 3x)
 *
 * Each revgap run is followed by DuckDB's aggregation of the same file (read_csv + GROUP BY
 * customer, week; @duckdb/node-api is a devDependency, benchmark only): a pair, so that a machine
 * whose speed drifts (a shared host: 40% within one session, docs/cli.md) compares runs made at
 * the same time; the ratio reported is the median of the pairs' ratios. Then, when a
 * Postgres server answers at REVGAP_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * loaded once into a table: Postgres's own GROUP BY through psql, then revgap with the Postgres
 * source (SQL pushdown) on that table. Ratios against the targets (CSV <= 1.5x DuckDB and < 300 MB;
 * pushdown <= 1.3x the GROUP BY) close the output.
 *
 * Then the large set (issue 12's "52 M rows"): 1,000,000 customers x the same weeks, generated once
 * (~1.6 GB), `revgap analyze` and DuckDB's aggregation side by side, `--large-runs N` pairs (default
 * 1; targets <= 1.5x DuckDB, peak RSS < 1.5 GB). `--large-customers N` changes its size,
 * `--no-large` skips it.
 *
 * `npm run bench` runs `npm run build` first, so the runs start from dist/ (plain JavaScript, as
 * `bin/revgap.mjs` does whenever a fresh build exists); the summary says which one was measured.
 *
 * The data set is generated once into bench/.data/ (gitignored) and reused while its parameters
 * stay the same. Not part of the test suite: timings depend on the machine.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
// @ts-expect-error plain JavaScript module without type declarations
import { useDist } from '../bin/_dist.mjs';
import { SAMPLE_VERSION } from '../src/sources/sample/generate-sample.ts';
import { writeSample } from '../src/sources/sample/write-sample.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA_ROOT = join(ROOT, 'bench', '.data');
const TARGET_SECONDS = 6;
const TARGET_MB = 400;
/** `revgap backtest` (step 1, horizon 8) within this many times one `revgap analyze` of the same file. */
const TARGET_BACKTEST_RATIO = 3;
const BACKTEST_ARGS = ['backtest', '--step', '1', '--horizon', '8'];
/** Fixed, so the cached data set never depends on today's date. */
const END_DATE = '2026-11-22';

interface DataSet {
  salesPath: string;
  customersPath: string;
  rows: number;
  bytes: number;
}

interface RunResult {
  seconds: number;
  /**
   * When `revgap analyze`'s progress lines for the work after the read appeared (seconds after the
   * start; from 50,000 customers): the read (start-up included) ends at the evidence's, the evidence
   * at the analysis'. Absent for other commands.
   */
  stages?: { evidence: number | null; analysis: number | null };
  /** User + system CPU seconds (from /usr/bin/time): steadier than wall time on a busy machine. */
  cpuSeconds: number | null;
  peakRssMb: number | null;
  exitCode: number | null;
  stderr: string;
}

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    weeks: { type: 'string', default: '52' },
    seed: { type: 'string', default: '42' },
    runs: { type: 'string', default: '3' },
    'cpu-prof': { type: 'boolean', default: false },
    args: { type: 'string', default: '' },
    source: { type: 'boolean', default: false },
    'no-backtest': { type: 'boolean', default: false },
    /** Skip the DuckDB and Postgres comparisons. */
    'no-compare': { type: 'boolean', default: false },
    /** Skip the large set (1,000,000 customers: revgap CSV and DuckDB side by side). */
    'no-large': { type: 'boolean', default: false },
    'large-customers': { type: 'string', default: '1000000' },
    /** Runs of the large set, each revgap run followed by a DuckDB run (pairs; median ratio). */
    'large-runs': { type: 'string', default: '1' },
    /** Skip the answer-latency run (bench/answer-latency.ts, 1,000,000 customers). */
    'no-answers': { type: 'boolean', default: false },
    /**
     * Also measure the event loop during a serve-style refresh of the large set (or of the main
     * set with --no-large): bench/refresh-stall.ts, with pauses and without.
     */
    'refresh-stall': { type: 'boolean', default: false },
    /**
     * Also send `/revgap help` every 50 ms to the bot (HTTP mode) while it refreshes the large set
     * (or the main set with --no-large): bench/help-during-refresh.ts.
     */
    'help-during-refresh': { type: 'boolean', default: false },
    /** Skip the runs on the same rows in other orders, columns and formats. */
    'no-shapes': { type: 'boolean', default: false },
  },
});

/** Which code the runs executed. */
function runtimeLabel(): string {
  if (values.source) return 'src/ through tsx (--source)';
  // The runs get REVGAP_DIST=1: dist/ whenever it exists, even if src/ changed after the build.
  if (!existsSync(join(ROOT, 'dist', 'BUILD.json'))) return 'src/ through tsx (no dist/: run npm run build)';
  return (useDist as (root: URL, env: Record<string, string | undefined>) => boolean)(
    pathToFileURL(`${ROOT}/`),
    {},
  )
    ? 'dist/ (compiled by npm run build)'
    : 'dist/ (compiled by npm run build; src/ changed since, so outside the bench bin/revgap.mjs would run src/)';
}

async function ensureDataSet(customers: number, weeks: number, seed: number): Promise<DataSet> {
  const dir = join(DATA_ROOT, `c${customers}-w${weeks}-s${seed}-v${SAMPLE_VERSION}`);
  const metaPath = join(dir, 'meta.json');
  if (existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as DataSet;
    if (existsSync(meta.salesPath) && statSync(meta.salesPath).size === meta.bytes) return meta;
  }
  process.stderr.write(
    `generating ${customers.toLocaleString('en-US')} customers x ${weeks} weeks into ${dir} ...\n`,
  );
  const started = performance.now();
  const written = await writeSample(dir, { customers, periods: weeks, seed, end: END_DATE });
  const meta: DataSet = {
    salesPath: written.salesPath,
    customersPath: written.customersPath,
    rows: written.salesRows,
    bytes: statSync(written.salesPath).size,
  };
  writeFileSync(metaPath, JSON.stringify(meta, null, 2));
  process.stderr.write(
    `generated ${meta.rows.toLocaleString('en-US')} rows in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return meta;
}

function parseCpuSeconds(stderr: string): number | null {
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  return user && system ? Number(user[1]) + Number(system[1]) : null;
}

/** Peak RSS in MB from `/usr/bin/time -v` output ("Maximum resident set size (kbytes): N"). */
function parseTimeOutput(stderr: string): number | null {
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  return match ? Number(match[1]) / 1024 : null;
}

function readVmHwmMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function runOnce(
  data: DataSet,
  extraArgs: string[],
  cpuProf: boolean,
  commandArgs: string[] = ['analyze'],
): Promise<RunResult> {
  const nodeArgs = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${join(DATA_ROOT, 'profiles')}`] : [];
  const cliArgs = [
    ...nodeArgs,
    join(ROOT, 'bin', 'revgap.mjs'),
    ...commandArgs,
    '--sales',
    data.salesPath,
    '--customers',
    data.customersPath,
    ...extraArgs,
  ];
  const useTime = existsSync('/usr/bin/time');
  const [command, args] = useTime
    ? ['/usr/bin/time', ['-v', process.execPath, ...cliArgs]]
    : [process.execPath, cliArgs];
  const started = performance.now();
  const env = { ...process.env, REVGAP_DIST: values.source ? '0' : '1' };
  const child = spawn(command, args as string[], { stdio: ['ignore', 'ignore', 'pipe'], cwd: ROOT, env });
  let stderr = '';
  const stages: { evidence: number | null; analysis: number | null } = { evidence: null, analysis: null };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    const at = (performance.now() - started) / 1000;
    // (A line may be split between chunks: the tail of what came before is read with it.)
    const recent = stderr.slice(-(chunk.length + 64));
    if (stages.evidence === null && recent.includes('evidence: replaying')) stages.evidence = at;
    if (stages.analysis === null && recent.includes('analysing ')) stages.analysis = at;
  });
  // Without /usr/bin/time, poll the high-water mark; it only grows, so the last reading is the peak
  // up to the last ~20 ms of the run.
  let polledPeak: number | null = null;
  const poll = useTime
    ? undefined
    : setInterval(() => {
        const mb = child.pid === undefined ? null : readVmHwmMb(child.pid);
        if (mb !== null) polledPeak = Math.max(polledPeak ?? 0, mb);
      }, 20);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  if (poll) clearInterval(poll);
  return {
    seconds,
    stages,
    cpuSeconds: useTime ? parseCpuSeconds(stderr) : null,
    peakRssMb: useTime ? parseTimeOutput(stderr) : polledPeak,
    exitCode,
    stderr,
  };
}

/**
 * Where a `revgap analyze` run's wall time went, from its progress lines: "read (start-up
 * included) 2.31 s, evidence 0.62 s, analysis and report 0.98 s"; null without them.
 */
function stagesLine(r: RunResult): string | null {
  const s = r.stages;
  if (s === undefined || s.evidence === null || s.analysis === null || r.exitCode !== 0) return null;
  return (
    `  (informative: where that revgap run's wall time went, from its progress lines: read, start-up ` +
    `included, ${s.evidence.toFixed(2)} s; evidence ${(s.analysis - s.evidence).toFixed(2)} s; ` +
    `analysis and report ${(r.seconds - s.analysis).toFixed(2)} s)`
  );
}

/** Runs any command under /usr/bin/time -v: wall seconds, CPU seconds, peak RSS, stdout. */
async function runMeasured(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunResult & { stdout: string }> {
  const useTime = existsSync('/usr/bin/time');
  const started = performance.now();
  const child = spawn(useTime ? '/usr/bin/time' : command, useTime ? ['-v', command, ...args] : args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: ROOT,
    env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    // Keep only the tail: psql and revgap print reports we do not need.
    stdout = (stdout + chunk).slice(-4096);
  });
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: useTime ? parseCpuSeconds(stderr) : null,
    peakRssMb: useTime ? parseTimeOutput(stderr) : null,
    exitCode,
    stderr,
    stdout,
  };
}

interface Comparison {
  name: string;
  command: string;
  result: (RunResult & { stdout: string }) | null;
  note?: string;
}

/**
 * Of runs of revgap each followed by one of DuckDB (pairs made at the same time), the pair whose
 * wall-time ratio is the median, and the medians of the wall and CPU ratios (of an even count, the
 * higher middle one: never the kinder figure for revgap); null without a pair that both completed.
 */
function medianPair(
  revgap: readonly RunResult[],
  duck: readonly Comparison[],
): { index: number; wall: number; cpu: number | null; pairs: number } | null {
  const pairs: { index: number; wall: number; cpu: number | null }[] = [];
  revgap.forEach((r, index) => {
    const d = duck[index]?.result;
    if (r.exitCode !== 0 || !d || d.exitCode !== 0 || d.seconds <= 0) return;
    const cpu =
      r.cpuSeconds !== null && d.cpuSeconds !== null && d.cpuSeconds > 0 ? r.cpuSeconds / d.cpuSeconds : null;
    pairs.push({ index, wall: r.seconds / d.seconds, cpu });
  });
  if (pairs.length === 0) return null;
  const byWall = [...pairs].sort((a, b) => a.wall - b.wall);
  const middle = byWall[Math.floor(byWall.length / 2)]!;
  const cpus = pairs.flatMap((p) => (p.cpu === null ? [] : [p.cpu])).sort((a, b) => a - b);
  const cpu = cpus.length > 0 ? cpus[Math.floor(cpus.length / 2)]! : null;
  return { index: middle.index, wall: middle.wall, cpu, pairs: pairs.length };
}

/** How the side-by-side runs were made, for a table's heading. */
function pairsLabel(runs: number): string {
  return runs === 1
    ? 'one run each'
    : `${runs} pairs, each revgap run followed by a DuckDB run; the pair with the median wall ratio, ratios the medians`;
}

/** DuckDB's read_csv + GROUP BY customer, week of the same file (bench/duckdb-aggregate.ts). */
async function benchDuckDb(data: DataSet): Promise<Comparison> {
  const name = 'DuckDB read_csv + GROUP BY customer, week';
  const command = `node --import tsx bench/duckdb-aggregate.ts ${data.salesPath}`;
  try {
    await import('@duckdb/node-api' as string);
  } catch {
    return {
      name,
      command,
      result: null,
      note: 'not installed: run `npm install` (@duckdb/node-api is a devDependency; it ships prebuilt, no install scripts)',
    };
  }
  const result = await runMeasured(process.execPath, [
    '--import',
    'tsx',
    join(ROOT, 'bench', 'duckdb-aggregate.ts'),
    data.salesPath,
  ]);
  return { name, command, result };
}

/**
 * revgap's CSV read alone (bench/csv-ledger-read.ts: the read, the row checks, the duplicates and
 * the weekly sums per customer, no analysis), run right after a DuckDB run as the revgap runs are:
 * the part of `revgap analyze` that does what DuckDB's aggregation does.
 */
async function benchCsvRead(data: DataSet): Promise<Comparison> {
  const result = await runMeasured(process.execPath, [
    '--expose-gc',
    '--import',
    'tsx',
    join(ROOT, 'bench', 'csv-ledger-read.ts'),
    data.salesPath,
  ]);
  return {
    name: "revgap's CSV read alone (bench/csv-ledger-read.ts: rows checked, duplicates, weekly sums; no analysis)",
    command: `node --expose-gc --import tsx bench/csv-ledger-read.ts ${data.salesPath}`,
    result,
    note: result.stdout.trim(),
  };
}

/** `revgap's CSV read alone / DuckDB: wall Nx, CPU Nx` (informative), or null. */
function readAloneLine(read: Comparison, duck: Comparison): string | null {
  const r = read.result;
  const d = duck.result;
  if (r === null || d === null || r.exitCode !== 0 || d.exitCode !== 0 || d.seconds <= 0) return null;
  const cpu =
    r.cpuSeconds !== null && d.cpuSeconds !== null && d.cpuSeconds > 0 ? r.cpuSeconds / d.cpuSeconds : null;
  return (
    `  (informative: revgap's CSV read alone / DuckDB: wall ${(r.seconds / d.seconds).toFixed(2)}x` +
    `${cpu === null ? '' : `, CPU ${cpu.toFixed(2)}x`}; ${read.note ?? ''})`
  );
}

/**
 * The wall time revgap's run would take with every core busy from its start to its end (its CPU
 * seconds / the cores), against DuckDB's wall time: no schedule of the same work on this machine
 * does better, so it bounds what a better split of the work across threads could reach (informative).
 */
function coresFloorLine(r: RunResult, duck: Comparison): string | null {
  const d = duck.result;
  if (r.exitCode !== 0 || r.cpuSeconds === null || d === null || d.exitCode !== 0 || d.seconds <= 0)
    return null;
  const cores = cpus().length;
  const floor = r.cpuSeconds / cores;
  return (
    `  (informative: revgap's CPU over the ${cores} cores, ${r.cpuSeconds.toFixed(2)} / ${cores} = ${floor.toFixed(2)} s: ` +
    `its wall time with every core busy from start to end, ${(floor / d.seconds).toFixed(2)}x DuckDB's wall; ` +
    'no split of the same work across threads ends sooner)'
  );
}

const BENCH_DATABASE_URL = process.env.REVGAP_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Loads the sales into a table once (kept between runs, named by the data set), via psql \copy. */
async function ensureTable(data: DataSet, table: string): Promise<string | null> {
  const count = await runMeasured('psql', [
    BENCH_DATABASE_URL,
    '-Atq',
    '-c',
    `SELECT count(*) FROM ${table}`,
  ]);
  if (count.exitCode === 0 && Number(count.stdout.trim()) === data.rows) return null;
  process.stderr.write(`loading ${data.rows.toLocaleString('en-US')} rows into ${table} ...\n`);
  const load = await runMeasured('psql', [
    BENCH_DATABASE_URL,
    '-q',
    '-v',
    'ON_ERROR_STOP=1',
    '-c',
    `DROP TABLE IF EXISTS ${table}`,
    '-c',
    `CREATE UNLOGGED TABLE ${table} (customer_id text, date date, amount numeric(12,2), order_id text)`,
    '-c',
    `\\copy ${table} FROM '${data.salesPath}' CSV HEADER`,
    '-c',
    `ANALYZE ${table}`,
  ]);
  return load.exitCode === 0 ? null : `loading the table failed: ${load.stderr.trim().split('\n').pop()}`;
}

/**
 * Postgres's own GROUP BY of the table through psql (the reference of the 1.3x target), the same
 * query through COPY to /dev/null (the database's part without psql's result formatting, a second,
 * informative reference), revgap with the Postgres source (SQL pushdown), and revgap's read alone
 * (bench/postgres-read.ts: the source's load, no analysis).
 */
async function benchPostgres(data: DataSet, customers: number, weeks: number): Promise<Comparison[]> {
  const table = `revgap_bench_c${customers}_w${weeks}`;
  const groupBy = `SELECT customer_id, (date - DATE '1970-01-01' + 700003) / 7 AS week, sum(amount) FROM ${table} GROUP BY 1, 2`;
  const sql = `SET jit = off; SET work_mem = '64MB'; ${groupBy}`;
  const copySql = `SET jit = off; SET work_mem = '64MB'; COPY (${groupBy}) TO STDOUT`;
  const psqlName = 'Postgres GROUP BY customer, week (psql, output to /dev/null)';
  const copyName = 'the same GROUP BY as COPY TO STDOUT (psql, to /dev/null; no result formatting)';
  const revgapName = 'revgap analyze --sales postgres://... --table (SQL pushdown)';
  const readName = "revgap's Postgres read alone (bench/postgres-read.ts: sums query + ledger, no analysis)";
  const psqlCommand = `psql -q -o /dev/null -c "${sql}"`;
  const copyCommand = `psql -q -o /dev/null -c "${copySql}"`;
  const revgapCommand = `revgap analyze --sales ${BENCH_DATABASE_URL} --table ${table} --customers customers.csv`;
  const readCommand = `node --import tsx bench/postgres-read.ts ${BENCH_DATABASE_URL} ${table}`;
  const none = (note: string): Comparison[] => [
    { name: psqlName, command: psqlCommand, result: null, note },
    { name: copyName, command: copyCommand, result: null, note },
    { name: revgapName, command: revgapCommand, result: null, note },
    { name: readName, command: readCommand, result: null, note },
  ];
  const probe = await runMeasured('psql', [BENCH_DATABASE_URL, '-Atqc', 'SELECT 1']).catch(() => null);
  if (probe === null || probe.exitCode !== 0) {
    return none(`no server at ${BENCH_DATABASE_URL} (set REVGAP_BENCH_DATABASE_URL)`);
  }
  const failed = await ensureTable(data, table);
  if (failed !== null) return none(failed);
  const psql = await runMeasured('psql', [BENCH_DATABASE_URL, '-q', '-o', '/dev/null', '-c', sql]);
  const copy = await runMeasured('psql', [BENCH_DATABASE_URL, '-q', '-o', '/dev/null', '-c', copySql]);
  const revgap = await runMeasured(
    process.execPath,
    [
      join(ROOT, 'bin', 'revgap.mjs'),
      'analyze',
      '--sales',
      BENCH_DATABASE_URL,
      '--table',
      table,
      '--customers',
      data.customersPath,
    ],
    { ...process.env, REVGAP_DIST: values.source ? '0' : '1' },
  );
  const read = await runMeasured(process.execPath, [
    '--import',
    'tsx',
    join(ROOT, 'bench', 'postgres-read.ts'),
    BENCH_DATABASE_URL,
    table,
  ]);
  return [
    { name: psqlName, command: psqlCommand, result: psql },
    { name: copyName, command: copyCommand, result: copy },
    { name: revgapName, command: revgapCommand, result: revgap },
    { name: readName, command: readCommand, result: read, note: read.stdout.trim() },
  ];
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Peak RSS target of the large set (issue 12: 52 M rows under 1.5 GB). */
const TARGET_LARGE_MB = 1536;

/**
 * The large set side by side: one `revgap analyze` (CSV) and one DuckDB aggregation of the same
 * 1,000,000-customer file, with the issue's targets (<= 1.5x DuckDB, < 1.5 GB).
 */
async function benchLarge(
  customers: number,
  weeks: number,
  seed: number,
  extraArgs: string[],
  runs: number,
): Promise<void> {
  const data = await ensureDataSet(customers, weeks, seed);
  const revgapRuns: RunResult[] = [];
  const duckRuns: Comparison[] = [];
  for (let i = 0; i < runs; i++) {
    revgapRuns.push(await runOnce(data, extraArgs, false));
    duckRuns.push(await benchDuckDb(data));
  }
  const median = medianPair(revgapRuns, duckRuns);
  const revgap = revgapRuns[median?.index ?? 0]!;
  const duck = duckRuns[median?.index ?? 0]!;
  const readAlone = duck.result === null ? null : await benchCsvRead(data);
  const peaks = revgapRuns.flatMap((r) => (r.peakRssMb === null ? [] : [r.peakRssMb]));
  const mb = data.bytes / 1_048_576;
  const out = [
    '',
    `Large set, side by side: ${customers.toLocaleString('en-US')} customers x ${weeks} weeks, ${data.rows.toLocaleString('en-US')} rows, ${mb.toFixed(0)} MB (${pairsLabel(runs)}, load average ${loadavg()[0]!.toFixed(1)}):`,
    '',
    row(['run', 'wall', 'CPU (user + sys)', 'rows/s', 'peak RSS']),
    row(['---', '---:', '---:', '---:', '---:']),
  ];
  const line = (name: string, r: RunResult | null, note?: string): string =>
    r === null || r.exitCode !== 0
      ? row([
          name,
          r === null
            ? (note ?? 'n/a')
            : `failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`,
          '',
          '',
          '',
        ])
      : row([
          name,
          `${r.seconds.toFixed(2)} s`,
          r.cpuSeconds === null ? 'n/a' : `${r.cpuSeconds.toFixed(2)} s`,
          Math.round(data.rows / r.seconds).toLocaleString('en-US'),
          r.peakRssMb === null ? 'n/a' : `${r.peakRssMb.toFixed(0)} MB`,
        ]);
  out.push(line('revgap analyze --sales FILE.csv', revgap), line(duck.name, duck.result, duck.note));
  if (readAlone !== null) out.push(line(readAlone.name, readAlone.result, readAlone.note));
  if (median !== null) {
    const ratio = median.wall;
    out.push(
      '',
      `revgap CSV / DuckDB (large): wall ${ratio.toFixed(2)}x (target <= 1.5x: ${ratio <= 1.5 ? 'yes' : 'NO'})` +
        (median.cpu === null ? '' : `, CPU ${median.cpu.toFixed(2)}x`),
    );
    const alone = readAlone === null ? null : readAloneLine(readAlone, duck);
    if (alone !== null) out.push(alone);
    const floor = coresFloorLine(revgap, duck);
    if (floor !== null) out.push(floor);
    const where = stagesLine(revgap);
    if (where !== null) out.push(where);
  }
  if (peaks.length > 0) {
    const peak = Math.max(...peaks);
    out.push(
      `revgap CSV peak RSS (large${runs > 1 ? ', highest of the runs' : ''}): ${peak.toFixed(0)} MB (target < ${TARGET_LARGE_MB} MB: ${peak < TARGET_LARGE_MB ? 'yes' : 'NO'})`,
    );
  }
  out.push(
    'Commands:',
    `  node bin/revgap.mjs analyze --sales ${data.salesPath} --customers ${data.customersPath}`,
    `  ${duck.command}`,
    ...(readAlone === null ? [] : [`  ${readAlone.command}`]),
    '',
  );
  process.stdout.write(out.join('\n'));
}

/**
 * The same rows as a user's file may come: in another order (the generated one is by date, as most
 * exports), or with a column or a format that once took the CSV reader off its fast path (a store
 * or quantity column, a decimal comma, a few accented names). Each is written once beside the data
 * set; `args` are what `revgap analyze` needs to read it.
 */
interface FileShape {
  name: string;
  args: string[];
  header?: (header: string) => string;
  /** All rows at once (reorderings), or each row with its number (columns, formats). */
  rows?: (rows: string[]) => void;
  row?: (row: string, k: number) => string;
  /** Also a customers file of its own, each line (header included) changed so. */
  customersLine?: (line: string, k: number) => string;
}

/** A customer id as a UUID (36 characters), the same for the same id: hex of its SHA-1. */
function uuidOf(id: string): string {
  const h = createHash('sha1').update(id).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Every field of a line without quotes, quoted. */
function quoteAll(line: string): string {
  return `"${line.replaceAll(',', '","')}"`;
}

/** `line` with its first field (the customer id) as a UUID. */
function withUuid(line: string): string {
  const comma = line.indexOf(',');
  return `${uuidOf(line.slice(0, comma))}${line.slice(comma)}`;
}

const PRODUCTS = ['Coffee', 'Tea', 'Bagel', 'Muffin', 'Scone'];

const FILE_SHAPES: FileShape[] = [
  { name: 'by-customer', args: [], rows: (rows) => rows.sort() },
  {
    name: 'shuffled',
    args: [],
    rows: (rows) => {
      let state = 42;
      for (let i = rows.length - 1; i > 0; i--) {
        state = (Math.imul(state, 1_103_515_245) + 12_345) & 0x7fffffff;
        const j = Math.floor((state / 0x80000000) * (i + 1));
        [rows[i], rows[j]] = [rows[j] as string, rows[i] as string];
      }
    },
  },
  {
    // Each customer's home store (by its id's last digit), and one row in 10 at any of 7 stores.
    name: 'store-column',
    args: [],
    header: (h) => `${h},store_id`,
    row: (r, k) => `${r},ST${k % 10 === 0 ? k % 7 : r.charCodeAt(r.indexOf(',') - 1) % 5}`,
  },
  { name: 'quantity-column', args: [], header: (h) => `${h},quantity`, row: (r, k) => `${r},${(k % 7) + 1}` },
  {
    name: 'decimal-comma',
    args: ['--decimal', ',', '--date-format', 'DD/MM/YYYY'],
    header: (h) => h.replaceAll(',', ';'),
    row: (r) => {
      const [customer, date, amount, order] = r.split(',') as [string, string, string, string];
      return `${customer};${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)};${amount.replace('.', ',')};${order}`;
    },
  },
  {
    // Ids longer than the 23 characters the ledger packs in its table: each row's id is compared
    // with the customer's id text.
    name: 'uuid-ids',
    args: [],
    row: withUuid,
    customersLine: (line, k) => (k === 0 ? line : withUuid(line)),
  },
  {
    // The time of each order after its date (Shopify's and Stripe's exports write one).
    name: 'timestamps',
    args: [],
    row: (r, k) => {
      const comma = r.indexOf(',', r.indexOf(',') + 1);
      const s = (k * 7919) % 86_400;
      const time = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) =>
        String(n).padStart(2, '0'),
      );
      return `${r.slice(0, comma)}T${time.join(':')}Z${r.slice(comma)}`;
    },
  },
  {
    // Every field quoted, as many CRM and spreadsheet exports write them.
    name: 'all-quoted',
    args: [],
    header: (h) => quoteAll(h),
    row: (r) => quoteAll(r),
  },
  {
    name: 'accents-1-in-50',
    args: [],
    header: (h) => `${h},product`,
    row: (r, k) => `${r},${k % 50 === 0 ? 'Crème brûlée' : PRODUCTS[k % PRODUCTS.length]}`,
  },
];

/** The data set's rows in `shape`, written once beside it (the customers file is the data set's). */
function ensureShaped(data: DataSet, shape: FileShape): DataSet {
  const salesPath = join(dirname(data.salesPath), `sales-${shape.name}.csv`);
  const metaPath = `${salesPath}.rows`;
  if (
    !existsSync(salesPath) ||
    !existsSync(metaPath) ||
    readFileSync(metaPath, 'utf8') !== String(data.rows)
  ) {
    process.stderr.write(`writing the rows ${shape.name} into ${salesPath} ...\n`);
    const text = readFileSync(data.salesPath, 'latin1');
    const headerEnd = text.indexOf('\n');
    const rows = text.slice(headerEnd + 1).split('\n');
    if (rows[rows.length - 1] === '') rows.pop();
    shape.rows?.(rows);
    const { row } = shape;
    const out = row === undefined ? rows : rows.map((r, k) => row(r, k));
    const header = shape.header?.(text.slice(0, headerEnd)) ?? text.slice(0, headerEnd);
    writeFileSync(salesPath, `${header}\n${out.join('\n')}\n`, 'utf8');
    const { customersLine } = shape;
    if (customersLine !== undefined) {
      const lines = readFileSync(data.customersPath, 'utf8').split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      writeFileSync(customersPathOf(data, shape), `${lines.map(customersLine).join('\n')}\n`, 'utf8');
    }
    writeFileSync(metaPath, String(data.rows));
  }
  return {
    ...data,
    salesPath,
    customersPath: shape.customersLine === undefined ? data.customersPath : customersPathOf(data, shape),
  };
}

function customersPathOf(data: DataSet, shape: FileShape): string {
  return join(dirname(data.customersPath), `customers-${shape.name}.csv`);
}

/** `revgap analyze` once on each file shape, against the date-ordered runs above. */
async function benchShapes(
  data: DataSet,
  dateMedian: number,
  datePeak: number | null,
  extraArgs: string[],
): Promise<void> {
  const out = [
    '',
    'The same rows as other files may come (informative: one run each, against the median run above):',
    '',
    row(['file', 'wall', 'CPU (user + sys)', 'peak RSS', 'wall / generated']),
    row(['---', '---:', '---:', '---:', '---:']),
    row([
      'generated (by date; above)',
      `${dateMedian.toFixed(2)} s`,
      '',
      datePeak === null ? 'n/a' : `${datePeak.toFixed(0)} MB`,
      '1.00x',
    ]),
  ];
  // Written before the runs: a run judges whether a second core is free from the CPUs' idle time
  // since it started, and the writing would keep one busy.
  const sets = FILE_SHAPES.map((shape) => ({ shape, set: ensureShaped(data, shape) }));
  for (const { shape, set } of sets) {
    const r = await runOnce(set, [...extraArgs, ...shape.args], false);
    out.push(
      r.exitCode !== 0
        ? row([shape.name, `failed (exit ${r.exitCode})`, '', '', ''])
        : row([
            shape.name,
            `${r.seconds.toFixed(2)} s`,
            r.cpuSeconds === null ? 'n/a' : `${r.cpuSeconds.toFixed(2)} s`,
            r.peakRssMb === null ? 'n/a' : `${r.peakRssMb.toFixed(0)} MB`,
            `${(r.seconds / dateMedian).toFixed(2)}x`,
          ]),
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<void> {
  const customers = Number(values.customers);
  const weeks = Number(values.weeks);
  const seed = Number(values.seed);
  const runs = Math.max(1, Number(values.runs));
  const extraArgs = values.args ? values.args.split(' ').filter(Boolean) : [];
  mkdirSync(DATA_ROOT, { recursive: true });
  const data = await ensureDataSet(customers, weeks, seed);

  const results: RunResult[] = [];
  /** DuckDB's aggregation right after each revgap run (the side-by-side pairs). */
  const duckRuns: Comparison[] = [];
  const runtimes = new Set<string>();
  for (let i = 0; i < runs; i++) {
    runtimes.add(runtimeLabel());
    const result = await runOnce(data, extraArgs, values['cpu-prof'] === true && i === 0);
    if (result.exitCode !== 0) {
      process.stderr.write(`run ${i + 1} failed with exit code ${result.exitCode}:\n${result.stderr}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(
      `run ${i + 1}: ${result.seconds.toFixed(2)} s wall, ${result.cpuSeconds?.toFixed(2) ?? '?'} s CPU, peak RSS ${result.peakRssMb?.toFixed(0) ?? '?'} MB\n`,
    );
    results.push(result);
    runtimes.add(runtimeLabel());
    if (!values['no-compare']) duckRuns.push(await benchDuckDb(data));
  }

  // The backtest side by side: one run after each analyze run's batch, same file, same machine.
  const backtests: RunResult[] = [];
  if (!values['no-backtest']) {
    for (let i = 0; i < runs; i++) {
      const result = await runOnce(data, extraArgs, false, BACKTEST_ARGS);
      if (result.exitCode !== 0) {
        process.stderr.write(
          `backtest run ${i + 1} failed with exit code ${result.exitCode}:\n${result.stderr}\n`,
        );
        process.exitCode = 1;
        return;
      }
      process.stderr.write(
        `backtest run ${i + 1}: ${result.seconds.toFixed(2)} s wall, ${result.cpuSeconds?.toFixed(2) ?? '?'} s CPU, peak RSS ${result.peakRssMb?.toFixed(0) ?? '?'} MB\n`,
      );
      backtests.push(result);
    }
  }

  const best = Math.min(...results.map((r) => r.seconds));
  const median = results.map((r) => r.seconds).sort((a, b) => a - b)[Math.floor(results.length / 2)]!;
  const cpuTimes = results
    .map((r) => r.cpuSeconds)
    .filter((v): v is number => v !== null)
    .sort((a, b) => a - b);
  const cpuMedian = cpuTimes.length > 0 ? cpuTimes[Math.floor(cpuTimes.length / 2)]! : null;
  const peaks = results.map((r) => r.peakRssMb).filter((v): v is number => v !== null);
  const peak = peaks.length > 0 ? Math.max(...peaks) : null;
  const mb = data.bytes / 1_048_576;
  const lines = [
    '',
    `revgap analyze, ${customers.toLocaleString('en-US')} customers x ${weeks} weeks: ${data.rows.toLocaleString('en-US')} rows, ${mb.toFixed(0)} MB`,
    `code: ${[...runtimes].join(', then ')}`,
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}; ${runs} run(s); load average ${loadavg()[0]!.toFixed(1)} at the end`,
    '',
    row(['metric', 'value', 'target', 'ok']),
    row(['---', '---:', '---:', '---']),
    row([
      'wall time (median)',
      `${median.toFixed(2)} s`,
      `< ${TARGET_SECONDS} s`,
      median < TARGET_SECONDS ? 'yes' : 'NO',
    ]),
    row(['wall time (best)', `${best.toFixed(2)} s`, '', '']),
    row(['CPU time (median, user + sys)', cpuMedian === null ? 'n/a' : `${cpuMedian.toFixed(2)} s`, '', '']),
    row(['rows/s (median)', Math.round(data.rows / median).toLocaleString('en-US'), '', '']),
    row(['MB/s (median)', (mb / median).toFixed(0), '', '']),
    row([
      'peak RSS',
      peak === null ? 'n/a' : `${peak.toFixed(0)} MB`,
      `< ${TARGET_MB} MB`,
      peak === null ? '?' : peak < TARGET_MB ? 'yes' : 'NO',
    ]),
    '',
  ];
  if (backtests.length > 0) {
    const btMedian = backtests.map((r) => r.seconds).sort((a, b) => a - b)[Math.floor(backtests.length / 2)]!;
    const btCpu = backtests
      .map((r) => r.cpuSeconds)
      .filter((v): v is number => v !== null)
      .sort((a, b) => a - b);
    const btCpuMedian = btCpu.length > 0 ? btCpu[Math.floor(btCpu.length / 2)]! : null;
    const btPeaks = backtests.map((r) => r.peakRssMb).filter((v): v is number => v !== null);
    const ratio = btMedian / median;
    const cpuRatio = btCpuMedian !== null && cpuMedian !== null ? btCpuMedian / cpuMedian : null;
    lines.push(
      `revgap ${BACKTEST_ARGS.join(' ')} on the same file, side by side`,
      '',
      row(['metric', 'analyze', 'backtest', 'ratio', 'target', 'ok']),
      row(['---', '---:', '---:', '---:', '---:', '---']),
      row([
        'wall time (median)',
        `${median.toFixed(2)} s`,
        `${btMedian.toFixed(2)} s`,
        `${ratio.toFixed(2)}x`,
        `< ${TARGET_BACKTEST_RATIO}x`,
        ratio < TARGET_BACKTEST_RATIO ? 'yes' : 'NO',
      ]),
      row([
        'CPU time (median)',
        cpuMedian === null ? 'n/a' : `${cpuMedian.toFixed(2)} s`,
        btCpuMedian === null ? 'n/a' : `${btCpuMedian.toFixed(2)} s`,
        cpuRatio === null ? 'n/a' : `${cpuRatio.toFixed(2)}x`,
        '',
        '',
      ]),
      row([
        'peak RSS',
        peak === null ? 'n/a' : `${peak.toFixed(0)} MB`,
        btPeaks.length > 0 ? `${Math.max(...btPeaks).toFixed(0)} MB` : 'n/a',
        '',
        '',
        '',
      ]),
      '',
    );
  }
  process.stdout.write(lines.join('\n'));
  if (!values['no-shapes']) await benchShapes(data, median, peak, extraArgs);

  if (!values['no-compare']) {
    const pair = medianPair(results, duckRuns);
    const csvRun = results[pair?.index ?? 0]!;
    const duck = duckRuns[pair?.index ?? 0]!;
    // After a DuckDB run, as the revgap runs were (the same load on the machine).
    const readAlone = duck.result === null ? null : await benchCsvRead(data);
    const [psql, psqlCopy, pushdown, pushdownRead] = await benchPostgres(data, customers, weeks);
    const measured = [
      {
        name: `revgap analyze --sales FILE.csv (${runs === 1 ? 'the run above' : 'of the median pair'})`,
        command: '',
        result: { ...csvRun, stdout: '' },
      },
      duck,
      ...(readAlone === null ? [] : [readAlone]),
      psql!,
      psqlCopy!,
      pushdown!,
      pushdownRead!,
    ];
    const out = [
      '',
      `Side by side, ${data.rows.toLocaleString('en-US')} rows (revgap and DuckDB: ${pairsLabel(runs)}; Postgres: one run each; load average ${loadavg()[0]!.toFixed(1)}):`,
      '',
      row(['run', 'wall', 'CPU (user + sys)', 'rows/s', 'peak RSS']),
      row(['---', '---:', '---:', '---:', '---:']),
    ];
    for (const m of measured) {
      const r = m.result;
      if (r === null || r.exitCode !== 0) {
        out.push(
          row([
            m.name,
            r === null
              ? (m.note ?? 'n/a')
              : `failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`,
            '',
            '',
            '',
          ]),
        );
        continue;
      }
      out.push(
        row([
          m.name,
          `${r.seconds.toFixed(2)} s`,
          r.cpuSeconds === null ? 'n/a' : `${r.cpuSeconds.toFixed(2)} s`,
          Math.round(data.rows / r.seconds).toLocaleString('en-US'),
          r.peakRssMb === null ? 'n/a' : `${r.peakRssMb.toFixed(0)} MB`,
        ]),
      );
    }
    const ratio = (a: Comparison | undefined, b: Comparison | undefined, pick: 'seconds' | 'cpuSeconds') => {
      const x = a?.result?.exitCode === 0 ? a.result[pick] : null;
      const y = b?.result?.exitCode === 0 ? b.result[pick] : null;
      return x !== null && x !== undefined && y !== null && y !== undefined && y > 0 ? x / y : null;
    };
    const fmt = (v: number | null, target: number) =>
      v === null ? 'n/a' : `${v.toFixed(2)}x (target <= ${target}x: ${v <= target ? 'yes' : 'NO'})`;
    out.push(
      '',
      `revgap CSV / DuckDB: wall ${fmt(pair?.wall ?? null, 1.5)}, CPU ${fmt(pair?.cpu ?? null, 1.5)}`,
      ...(readAlone === null ? [] : [readAloneLine(readAlone, duck) ?? '']),
      ...[coresFloorLine(csvRun, duck), stagesLine(csvRun)].filter((line) => line !== null),
      `revgap CSV peak RSS${runs > 1 ? ' (highest of the runs)' : ''}: ${peak === null ? 'n/a' : `${peak.toFixed(0)} MB (target < 300 MB: ${peak < 300 ? 'yes' : 'NO'})`}`,
      `revgap Postgres pushdown / Postgres GROUP BY: wall ${fmt(ratio(pushdown, psql, 'seconds'), 1.3)}`,
      `  (informative: / the GROUP BY as COPY: wall ${ratio(pushdown, psqlCopy, 'seconds')?.toFixed(2) ?? 'n/a'}x; ` +
        `revgap's read alone / GROUP BY: wall ${ratio(pushdownRead, psql, 'seconds')?.toFixed(2) ?? 'n/a'}x` +
        `${pushdownRead?.note ? `; ${pushdownRead.note}` : ''})`,
      'Commands:',
      ...measured.filter((m) => m.command !== '').map((m) => `  ${m.command}`),
      '',
    );
    process.stdout.write(out.join('\n'));
  }
  if (!values['no-large']) {
    await benchLarge(
      Number(values['large-customers']),
      weeks,
      seed,
      extraArgs,
      Math.max(1, Number(values['large-runs'])),
    );
  }
  if (!values['no-answers']) {
    // Answers at scale (issue 12): the bot in HTTP mode with 1,000,000 customers in its snapshot.
    process.stdout.write('\nAnswers at scale (bench/answer-latency.ts):\n');
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'answer-latency.ts')], {
        cwd: ROOT,
        stdio: 'inherit',
      });
      child.on('exit', () => resolve());
    });
  }
  if (values['refresh-stall']) {
    // A bot refreshing its snapshot keeps answering (issue 12: `/revgap help` under 200 ms meanwhile).
    const stallData = values['no-large']
      ? await ensureDataSet(customers, weeks, seed)
      : await ensureDataSet(Number(values['large-customers']), weeks, seed);
    for (const mode of [[], ['--no-pause']]) {
      const args = ['--expose-gc', '--import', 'tsx', join(ROOT, 'bench', 'refresh-stall.ts')];
      args.push('--sales', stallData.salesPath, '--customers', stallData.customersPath, ...mode);
      process.stdout.write(`\nRefresh stall (node ${args.slice(3).join(' ')}):\n`);
      await new Promise<void>((resolve) => {
        const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
        child.on('exit', () => resolve());
      });
    }
  }
  if (values['help-during-refresh']) {
    // The same target as seen from Slack: signed `/revgap help` requests answered during a refresh.
    const helpData = values['no-large']
      ? await ensureDataSet(customers, weeks, seed)
      : await ensureDataSet(Number(values['large-customers']), weeks, seed);
    const args = ['--import', 'tsx', join(ROOT, 'bench', 'help-during-refresh.ts')];
    args.push('--sales', helpData.salesPath, '--customers', helpData.customersPath);
    process.stdout.write(`\nHelp during a refresh (node ${args.slice(2).join(' ')}):\n`);
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
      child.on('exit', () => resolve());
    });
  }
  if (values['cpu-prof']) process.stdout.write(`CPU profile written to ${join(DATA_ROOT, 'profiles')}\n`);
}

await main();
