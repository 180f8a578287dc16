/**
 * Benchmark: answers at scale (issue 12). The bot runs in HTTP mode as its own process with
 * N customers in its snapshot (default 1,000,000), against local-slack for the Web API. This
 * script fires signed `/revgap <customer id>` slash commands straight at the bot's
 * /slack/events, C at a time (default 50), R in all (default 1,000), each with a response_url
 * pointing at a small collector server here, and measures from sending the request to the answer,
 * wherever it arrives: in the HTTP acknowledgement's body (a reply Slack shows as the command's
 * answer) or at the response_url; it counts which. It also reads the bot's CPU time (user + system,
 * /proc/<pid>/stat) over the measured requests: CPU per answer does not depend on how busy the
 * shared machine is the way wall times do, and the bot's event-loop delay over the same requests.
 * The load generator is node:http on kept-alive connections (lighter than fetch on the shared
 * cores); the warm-up (4 x C requests, C at a time) opens them, as Slack's own connections are
 * open already, so the measured requests do not include connecting.
 *
 *   node --import tsx bench/answer-latency.ts [--customers 1000000] [--concurrency 50] [--requests 1000]
 *     [--cpu-prof DIR]   # the bot's CPU profile, written when it stops
 *     [--database-url postgres://postgres@127.0.0.1:5432/test]   # state store on a Postgres server
 *
 * Target: p99 under 100 ms with 1,000,000 customers. Not part of the test suite: timings depend
 * on the machine (the load average is printed with the figures).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
const TARGET_P99_MS = 100;
const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    concurrency: { type: 'string', default: '50' },
    requests: { type: 'string', default: '1000' },
    /** Use this Postgres server as the state store instead of the embedded PGlite. */
    'database-url': { type: 'string' },
    /** Write the bot's .cpuprofile into this directory. */
    'cpu-prof': { type: 'string' },
  },
});
const customers = Number(values.customers);
const concurrency = Number(values.concurrency);
const total = Number(values.requests);

// The collector: every answer the bot sends to a response_url lands here.
const arrived = new Map<string, { at: number; body: string }>();
const waiting = new Map<string, () => void>();
const collector = createServer((req, res) => {
  const id = (req.url ?? '').split('/').pop() ?? '';
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    body += chunk;
  });
  req.on('end', () => {
    arrived.set(id, { at: performance.now(), body });
    waiting.get(id)?.();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
const collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;

const dataDir = mkdtempSync(join(tmpdir(), 'revgap-bench-answers-'));
const port = await findFreePort();
const user = { name: 'Bench User', email: 'bench@example.com' };
const slack = await startLocalSlack({
  workspace: buildLocalWorkspace({
    mode: 'events',
    requestUrl: `http://127.0.0.1:${port}/slack/events`,
    people: [user],
  }),
});
const userId = slack.workspace.users[0]!.id;
const channelId = slack.workspace.channels[0]!.id;

const storeLabel = values['database-url'] ? 'Postgres state store' : 'embedded PGlite state store';
console.log(`Starting the bot (HTTP mode, ${customers.toLocaleString('en-US')} customers, ${storeLabel})...`);
const profile = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [];
const bot = spawn(
  process.execPath,
  [...profile, '--import', 'tsx', join(ROOT, 'bench', '_answer-latency-bot.ts')],
  {
    cwd: ROOT,
    env: {
      ...process.env,
      SLACK_BOT_TOKEN: LOCAL_SLACK_CREDENTIALS.botToken,
      SLACK_SIGNING_SECRET: LOCAL_SLACK_CREDENTIALS.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      REVGAP_CHANNEL: '#revenue',
      REVGAP_LOG_LEVEL: 'warn',
      BENCH_CUSTOMERS: String(customers),
      REVGAP_DATA_DIR: dataDir,
      ...(values['database-url'] ? { DATABASE_URL: values['database-url'] } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let loopDelay = '';
const startMs = await new Promise<number>((resolve, reject) => {
  let out = '';
  bot.stdout.on('data', (chunk: Buffer) => {
    if (process.env.BENCH_BOT_LOG) appendFileSync(process.env.BENCH_BOT_LOG, chunk);
    out += chunk.toString();
    const m = /ready (\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
    const delay = /loop-delay [^\n]*/.exec(out);
    if (delay) loopDelay = delay[0];
  });
  bot.on('exit', (code) => reject(new Error(`the bot exited (${code}) before it was ready`)));
});
console.log(`Bot ready in ${(startMs / 1000).toFixed(1)} s.`);

const target = { workspace: slack.workspace, channelId, userId, collectorUrl };
const signedCommand = (text: string, id: string) => signedSlashCommand(target, text, id);

// node:http on kept-alive connections, one per request in flight: a lighter load generator than
// fetch (whose streams and abort signals cost the shared cores more CPU than the bot's answers).
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
function post(body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/slack/events',
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The bot's CPU time so far (user + system), in ms, from /proc (Linux). */
function botCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function one(index: number): Promise<{
  ackMs: number;
  answerMs: number | null;
  via: 'ack' | 'response_url' | null;
  right: boolean;
  status: number;
}> {
  const id = randomUUID();
  // Spread over the whole book: ids C0000000..C(N-1).
  const customer = `C${String((index * 7919) % customers).padStart(7, '0')}`;
  const { body, headers } = signedCommand(customer, id);
  const answered = new Promise<void>((resolve) => waiting.set(id, resolve));
  const t0 = performance.now();
  const res = await post(body, headers);
  const ackBody = res.text;
  const ackMs = performance.now() - t0;
  // A reply in the acknowledgement is the answer (Slack shows it); an empty one means "wait for
  // the response_url".
  if (ackBody.trim() !== '') {
    waiting.delete(id);
    return { ackMs, answerMs: ackMs, via: 'ack', right: ackBody.includes(customer), status: res.status };
  }
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
  const outcome = await Promise.race([answered.then(() => 'ok' as const), timeout]);
  waiting.delete(id);
  const answer = arrived.get(id);
  // An answer counts only when it is the customer's deep dive (not "no analysis yet" or an error).
  const right = answer?.body.includes(customer) === true;
  const ok = outcome === 'ok' && answer !== undefined;
  return {
    ackMs,
    answerMs: ok ? answer.at - t0 : null,
    via: ok ? 'response_url' : null,
    right,
    status: res.status,
  };
}

async function load(n: number, c: number) {
  const results: Awaited<ReturnType<typeof one>>[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next < n) results.push(await one(next++));
    }),
  );
  return { results, seconds: (performance.now() - t0) / 1000 };
}

try {
  // Warm-up: JIT, the membership and account-manager caches, and one kept-alive connection per
  // request in flight, as Slack's own connections are (opening 50 at once makes the first burst
  // wait up to ~1 s while the bot accepts them between answers).
  await load(Math.max(100, concurrency * 4), concurrency);
  const load1 = loadavg()[0]!;
  const cpu0 = botCpuMs(bot.pid!);
  bot.kill('SIGUSR2');
  const { results, seconds } = await load(total, concurrency);
  const botCpuPerAnswer = (botCpuMs(bot.pid!) - cpu0) / total;
  const answers = results
    .map((r) => r.answerMs)
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  const acks = results.map((r) => r.ackMs).sort((a, b) => a - b);
  const lost = results.length - answers.length;
  const refused = results.filter((r) => r.status !== 200).length;
  const wrong = results.filter((r) => r.answerMs !== null && !r.right).length;
  const f = (x: number) => `${x.toFixed(0)} ms`;
  console.log(
    `\n/revgap <id>, ${customers.toLocaleString('en-US')} customers, ${concurrency} concurrent, ${total} requests, ` +
      `on the ${storeLabel} (load average before: ${load1.toFixed(2)}):`,
  );
  const inAck = results.filter((r) => r.via === 'ack').length;
  const atUrl = results.filter((r) => r.via === 'response_url').length;
  console.log(
    `  answer (request -> answer): p50 ${f(percentile(answers, 50))}, p90 ${f(percentile(answers, 90))}, p99 ${f(percentile(answers, 99))}, max ${f(answers.at(-1) ?? Number.NaN)}`,
  );
  console.log(`  answers arrived in the acknowledgement: ${inAck}, at the response_url: ${atUrl}`);
  console.log(`  HTTP acknowledgement:   p50 ${f(percentile(acks, 50))}, p99 ${f(percentile(acks, 99))}`);
  console.log(
    `  ${(answers.length / seconds).toFixed(0)} answers/s; bot CPU ${botCpuPerAnswer.toFixed(2)} ms per answer; ` +
      `${lost} lost, ${refused} non-200, ${wrong} answers that were not the customer's deep dive`,
  );
  const p99 = percentile(answers, 99);
  console.log(`  target p99 < ${TARGET_P99_MS} ms: ${p99 < TARGET_P99_MS ? 'met' : 'NOT met'}`);
  // The bot's own view: how long its event loop was blocked while the requests ran.
  const exited = new Promise((resolve) => bot.once('exit', resolve));
  bot.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  console.log(`  bot event-loop delay (ms): ${loopDelay.replace('loop-delay ', '') || 'not reported'}`);
} finally {
  bot.kill('SIGTERM');
  await slack.stop();
  collector.close();
  agent.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}
