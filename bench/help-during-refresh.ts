/**
 * Benchmark: is `/revgap help` answered in under 200 ms while a refresh of the sales file runs in
 * the same process? (issue 12). The bot runs as `revgap serve` runs it, in HTTP mode against
 * local-slack, its own process (bench/_help-during-refresh-bot.ts), reading a CSV sales file (and
 * customers file). After its start-up refresh, this script sends a signed `/revgap help` every
 * `--every` ms (default 50; not waiting for the previous one, so a stalled bot has several in
 * flight), starts a second refresh in the bot (SIGUSR2: `dataWatch.refresh()`, what a data change
 * runs), and keeps sending until one second after it is done. Each latency is measured from
 * sending the request to the answer (in the acknowledgement, or at the response_url when slower than
 * the acknowledgement's budget) and filed under the refresh phase it fell in (the bot's markers:
 * read, analysis, save, holdout, index, recoveries; a request spanning two is named `a->b`).
 *
 *   node --import tsx bench/help-during-refresh.ts --sales F [--customers G] [--every 50]
 *     [--database-url postgres://postgres@127.0.0.1:5432/test]   # state store on a Postgres server
 *     [--bot-flags="--trace-gc --max-semi-space-size=64"]   # node flags for the bot only
 *     [--bot-log FILE]   # everything the bot prints on stdout (phases, GCs, stalls, --trace-gc lines)
 *     [--samples FILE]   # every request as JSON: sent and answered (epoch ms), phase
 *
 * The bot reports its garbage collections of 10 ms or more during the refresh (a `gc` performance
 * observer); the script lists the long ones by phase and counts the slow answers whose wait
 * overlapped one, to tell a collector's pause from our own code holding the loop.
 *
 * Not part of the test suite: timings depend on the machine (the load average is printed).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { constants } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  buildLocalWorkspace,
  findFreePort,
  LOCAL_SLACK_CREDENTIALS,
  startLocalSlack,
} from '../src/dev/local-slack.ts';
import { percentile, signedSlashCommand } from './_slash-command.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_MS = 200;
const { values } = parseArgs({
  options: {
    sales: { type: 'string' },
    customers: { type: 'string' },
    every: { type: 'string', default: '50' },
    /** Use this Postgres server as the state store (its own schema) instead of the embedded PGlite. */
    'database-url': { type: 'string' },
    /** Node flags for the bot's process only (space-separated), e.g. `--trace-gc`. */
    'bot-flags': { type: 'string', default: '' },
    /** Write everything the bot prints on stdout to this file. */
    'bot-log': { type: 'string' },
    /** Write every request (sent, answered, ms, phase) to this file as JSON. */
    samples: { type: 'string' },
  },
});
if (!values.sales) throw new Error('--sales FILE is required');
const everyMs = Number(values.every);
const epochMs = () => performance.timeOrigin + performance.now();

// Answers slower than the acknowledgement's budget arrive at the response_url: collected here.
const arrived = new Map<string, number>();
const waiting = new Map<string, () => void>();
const collector = createServer((req, res) => {
  const id = (req.url ?? '').split('/').pop() ?? '';
  req.resume();
  req.on('end', () => {
    arrived.set(id, epochMs());
    waiting.get(id)?.();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
const collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;

const dataDir = mkdtempSync(join(tmpdir(), 'revgap-bench-help-'));
const port = await findFreePort();
const slack = await startLocalSlack({
  workspace: buildLocalWorkspace({
    mode: 'events',
    requestUrl: `http://127.0.0.1:${port}/slack/events`,
    people: [{ name: 'Bench User', email: 'bench@example.com' }],
  }),
});
const userId = slack.workspace.users[0]!.id;
const channelId = slack.workspace.channels[0]!.id;

const storeLabel = values['database-url'] ? 'Postgres state store' : 'embedded PGlite state store';
console.log(
  `Starting the bot (HTTP mode, ${values.sales}, ${storeLabel}); its start-up refresh runs first...`,
);
const botFlags = (values['bot-flags'] ?? '').split(/\s+/).filter((flag) => flag !== '');
const botLog = values['bot-log'] ? createWriteStream(values['bot-log']) : null;
const botArgs = [...botFlags, '--import', 'tsx', join(ROOT, 'bench', '_help-during-refresh-bot.ts')];
const bot = spawn(process.execPath, botArgs, {
  cwd: ROOT,
  env: {
    ...process.env,
    SLACK_BOT_TOKEN: LOCAL_SLACK_CREDENTIALS.botToken,
    SLACK_SIGNING_SECRET: LOCAL_SLACK_CREDENTIALS.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
    REVGAP_CHANNEL: '#revenue',
    REVGAP_LOG_LEVEL: 'warn',
    REVGAP_DATA_DIR: dataDir,
    REVGAP_REFRESH_MINUTES: '0',
    REVGAP_SALES: resolvePath(values.sales),
    ...(values.customers ? { REVGAP_CUSTOMERS: resolvePath(values.customers) } : {}),
    ...(values['database-url'] ? { DATABASE_URL: values['database-url'] } : {}),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const phases: { name: string; at: number }[] = [{ name: 'before', at: 0 }];
/** The bot's garbage collections of 10 ms or more while measuring (kind 2 is a full one). */
const gcs: { kind: number; at: number; ms: number }[] = [];
/** The bot's main-thread stalls of 100 ms or more while measuring (`at` is where each ended). */
const stalls: { at: number; ms: number }[] = [];
let refreshLine = '';
let done: () => void = () => undefined;
const refreshDone = new Promise<void>((resolve) => {
  done = resolve;
});
const startMs = await new Promise<number>((resolve, reject) => {
  let pending = '';
  bot.stdout.on('data', (chunk: Buffer) => {
    botLog?.write(chunk);
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const ready = /^ready (\d+)/.exec(line);
      if (ready) resolve(Number(ready[1]));
      const phase = /^phase (.+) ([\d.]+)$/.exec(line);
      if (phase) {
        phases.push({ name: phase[1]!, at: Number(phase[2]) });
        if (phase[1] === 'done') done();
      }
      if (line.startsWith('refresh ')) refreshLine = line;
      const gc = /^gc (\d+) ([\d.]+) ([\d.]+)$/.exec(line);
      if (gc) gcs.push({ kind: Number(gc[1]), at: Number(gc[2]), ms: Number(gc[3]) });
      const stall = /^stall ([\d.]+) ([\d.]+)$/.exec(line);
      if (stall) stalls.push({ at: Number(stall[1]), ms: Number(stall[2]) });
    }
  });
  bot.on('exit', (code) => reject(new Error(`the bot exited (${code}) before it was ready`)));
});
console.log(`Bot ready (start-up refresh included) in ${(startMs / 1000).toFixed(1)} s.`);

const target = { workspace: slack.workspace, channelId, userId, collectorUrl };
const signedHelp = (id: string) => signedSlashCommand(target, 'help', id);

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
type Sample = {
  sentAt: number;
  answeredAt: number | null;
  via: 'ack' | 'response_url' | null;
  help: boolean;
  status: number;
};
function one(): Promise<Sample> {
  const id = randomUUID();
  const { body, headers } = signedHelp(id);
  const answered = new Promise<void>((resolve) => waiting.set(id, resolve));
  const sentAt = epochMs();
  return new Promise<Sample>((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/slack/events', method: 'POST', headers, agent },
      (res) => {
        let text = '';
        const status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          if (text.trim() !== '') {
            waiting.delete(id);
            resolve({ sentAt, answeredAt: epochMs(), via: 'ack', help: /revgap/i.test(text), status });
            return;
          }
          const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref());
          void Promise.race([answered.then(() => 'ok' as const), timeout]).then((outcome) => {
            waiting.delete(id);
            const at = arrived.get(id);
            resolve(
              outcome === 'ok' && at !== undefined
                ? { sentAt, answeredAt: at, via: 'response_url', help: true, status }
                : { sentAt, answeredAt: null, via: null, help: false, status },
            );
          });
        });
      },
    );
    req.on('error', () => resolve({ sentAt, answeredAt: null, via: null, help: false, status: 0 }));
    req.end(body);
  });
}

/** The phase the bot was in at `at` (epoch ms). */
function phaseAt(at: number): string {
  let name = 'before';
  for (const p of phases) if (p.at <= at) name = p.name === 'done' ? 'after' : p.name;
  return name;
}

try {
  // Warm-up: JIT and a few kept-alive connections.
  for (let i = 0; i < 20; i++) await one();
  const load0 = loadavg();
  const samples: Promise<Sample>[] = [];
  const sender = setInterval(() => samples.push(one()), everyMs);
  await new Promise((r) => setTimeout(r, 1_000));
  bot.kill('SIGUSR2');
  await refreshDone;
  await new Promise((r) => setTimeout(r, 1_000));
  clearInterval(sender);
  const results = await Promise.all(samples);
  const load1 = loadavg();

  const start = phases.find((p) => p.name === 'read')?.at ?? Number.NaN;
  const end = phases.find((p) => p.name === 'done')?.at ?? Number.NaN;
  const timed = results.map((r) => {
    const a = phaseAt(r.sentAt);
    const b = r.answeredAt === null ? a : phaseAt(r.answeredAt);
    return {
      ...r,
      ms: r.answeredAt === null ? null : r.answeredAt - r.sentAt,
      phase: a === b ? a : `${a}->${b}`,
    };
  });
  const during = timed.filter((r) => r.sentAt >= start && r.sentAt < end);
  if (values.samples) {
    writeFileSync(values.samples, JSON.stringify({ phases, gcs, stalls, samples: timed }, null, 0));
  }
  const f = (x: number) => `${x.toFixed(0)} ms`;
  const summarise = (label: string, set: typeof timed) => {
    const ms = set
      .map((r) => r.ms)
      .filter((x): x is number => x !== null)
      .sort((a, b) => a - b);
    console.log(
      `  ${label}: ${set.length} requests, p50 ${f(percentile(ms, 50))}, p90 ${f(percentile(ms, 90))}, ` +
        `p99 ${f(percentile(ms, 99))}, max ${f(ms.at(-1) ?? Number.NaN)}; over ${TARGET_MS} ms: ` +
        `${ms.filter((x) => x > TARGET_MS).length}; lost ${set.length - ms.length}`,
    );
  };
  console.log(
    `\n/revgap help every ${everyMs} ms during a refresh of ${values.sales} (${storeLabel}); ` +
      `load average before ${load0.map((x) => x.toFixed(2)).join(' ')}, after ${load1.map((x) => x.toFixed(2)).join(' ')}:`,
  );
  const order = ['read', 'analysis', 'save', 'holdout+index', 'index', 'recoveries'];
  const spans = order
    .map((name) => {
      const from = phases.find((p) => p.name === name)?.at;
      const to = phases.find((p) => p.at > (from ?? Number.POSITIVE_INFINITY))?.at;
      return from !== undefined && to !== undefined ? `${name} ${((to - from) / 1000).toFixed(1)} s` : null;
    })
    .filter((x) => x !== null);
  console.log(`  refresh ${((end - start) / 1000).toFixed(1)} s (${spans.join(', ')}); bot: ${refreshLine}`);
  summarise('during the refresh', during);
  summarise('all (1 s before to 1 s after)', timed);
  const slow = new Map<string, { n: number; max: number }>();
  for (const r of timed) {
    if (r.ms === null || r.ms <= TARGET_MS) continue;
    const s = slow.get(r.phase) ?? { n: 0, max: 0 };
    slow.set(r.phase, { n: s.n + 1, max: Math.max(s.max, r.ms) });
  }
  console.log(
    `  over ${TARGET_MS} ms by phase: ${
      [...slow].map(([phase, s]) => `${phase} ${s.n} (max ${f(s.max)})`).join(', ') || 'none'
    }`,
  );
  const longGcs = gcs.filter((g) => g.ms >= 50);
  const gcByPhase = new Map<string, { n: number; ms: number; max: number }>();
  for (const g of longGcs) {
    const name = phaseAt(g.at);
    const s = gcByPhase.get(name) ?? { n: 0, ms: 0, max: 0 };
    gcByPhase.set(name, { n: s.n + 1, ms: s.ms + g.ms, max: Math.max(s.max, g.ms) });
  }
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
  };
  console.log(
    `  GC pauses of 50 ms or more: ${longGcs.length} (${Object.entries(kinds)
      .map(([k, name]) => `${name} ${longGcs.filter((g) => g.kind === Number(k)).length}`)
      .join(
        ', ',
      )}), ${f(longGcs.reduce((t, g) => t + g.ms, 0))} in all, max ${f(Math.max(0, ...longGcs.map((g) => g.ms)))}; by phase: ${
      [...gcByPhase].map(([name, s]) => `${name} ${s.n} (${f(s.ms)}, max ${f(s.max)})`).join(', ') || 'none'
    }`,
  );
  const slowAnswers = timed.filter((r) => r.ms !== null && r.ms > TARGET_MS);
  const overlapsGc = (r: (typeof timed)[number]) =>
    longGcs.some((g) => g.at < (r.answeredAt ?? 0) && g.at + g.ms > r.sentAt);
  console.log(
    `  answers over ${TARGET_MS} ms whose wait overlapped a GC pause of 50 ms or more: ${
      slowAnswers.filter(overlapsGc).length
    } of ${slowAnswers.length}`,
  );
  const stallSum = stalls.reduce((t, x) => t + x.ms, 0);
  console.log(
    `  bot thread stalls of 100 ms or more: ${stalls.length}, ${f(stallSum)} in all, max ${f(Math.max(0, ...stalls.map((x) => x.ms)))}; ` +
      `answers over ${TARGET_MS} ms whose wait overlapped one: ${
        slowAnswers.filter((r) => stalls.some((x) => x.at - x.ms < (r.answeredAt ?? 0) && x.at > r.sentAt))
          .length
      } of ${slowAnswers.length}`,
  );
  const inAck = timed.filter((r) => r.via === 'ack').length;
  const notHelp = timed.filter((r) => r.ms !== null && !r.help).length;
  console.log(
    `  answered in the acknowledgement: ${inAck}, at the response_url: ${timed.filter((r) => r.via === 'response_url').length}; not the help text: ${notHelp}; ` +
      `HTTP status other than 200: ${
        timed
          .filter((r) => r.status !== 200)
          .map((r) => `${r.status} (${r.phase})`)
          .join(', ') || 'none'
      }`,
  );
  const worst = during
    .filter((r) => r.ms !== null)
    .sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0))
    .slice(0, 5);
  console.log(
    `  slowest: ${worst.map((r) => `${f(r.ms ?? 0)} at +${((r.sentAt - start) / 1000).toFixed(1)} s (${r.phase})`).join(', ')}`,
  );
  const p99 = percentile(
    during.map((r) => r.ms ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b),
    100,
  );
  console.log(
    `  target: every answer under ${TARGET_MS} ms during the refresh: ${p99 < TARGET_MS ? 'met' : 'NOT met'}`,
  );
} finally {
  const exited = new Promise((r) => bot.once('exit', r));
  bot.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
  await slack.stop();
  collector.close();
  agent.destroy();
  rmSync(dataDir, { recursive: true, force: true });
  botLog?.end();
}
