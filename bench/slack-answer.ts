/**
 * Benchmark: the Slack request path on a large book. Slack gives 3 seconds to answer; revgap answers
 * `/revgap` from the analysis snapshot in memory. This measures, for N synthetic customers (default
 * 1,000,000):
 * - building the snapshot's customer index in slices, and the longest the event loop was held
 *   meanwhile (Bolt must still acknowledge commands during a refresh);
 * - answering `/revgap <id>`, `/revgap <name>`, a pick list, a typo, `top`, `churn` and `mine`
 *   (lookup + Block Kit rendering; the state store is a stand-in that answers at once).
 *
 *   node --import tsx bench/slack-answer.ts [--customers 1000000]
 *
 * Not part of the test suite: timings depend on the machine.
 */
import { parseArgs } from 'node:util';
import { defaultAnalysisSettings } from '../src/core/settings.ts';
import { createLogger } from '../src/logger.ts';
import type { SlackClient } from '../src/slack/slack-client.ts';
import type { SlackDeps } from '../src/slack/slack-deps.ts';
import type { SnapshotStore, StateStore } from '../src/store/state-store.ts';
import { buildAnswer } from '../src/use-cases/answer-command.ts';
import { parseRevgapCommand } from '../src/use-cases/parse-revgap-command.ts';
import { createSnapshotHolder, loadSnapshotInSlices } from '../src/use-cases/refresh-snapshot.ts';
import { partialPort } from '../test/helpers/partial-port.ts';
import { syntheticResult } from './_synthetic-result.ts';

const BUDGET_MS = 3000;
const { values } = parseArgs({ options: { customers: { type: 'string' } } });
const count = Number(values.customers ?? 1_000_000);

console.log(`Generating ${count.toLocaleString('en-US')} customers...`);
const result = syntheticResult(count);
const settings = defaultAnalysisSettings();

// The longest gap between event-loop turns while the index is built.
let longestBlockMs = 0;
let last = performance.now();
const probe = setInterval(() => {
  const t = performance.now();
  longestBlockMs = Math.max(longestBlockMs, t - last);
  last = t;
}, 5);
const started = performance.now();
const loaded = await loadSnapshotInSlices(
  { id: 'bench', createdAt: new Date().toISOString(), asOfPeriod: 2968, source: 'synthetic', result },
  settings,
);
const buildMs = performance.now() - started;
clearInterval(probe);
console.log(
  `index built in ${Math.round(buildMs)} ms; event loop held at most ${Math.round(longestBlockMs)} ms at a time (budget ${BUDGET_MS} ms)`,
);

const holder = createSnapshotHolder({
  store: partialPort<SnapshotStore>({ loadLatestSnapshot: async () => null }),
  settings,
});
holder.install(loaded);
const deps: SlackDeps = {
  slack: { userEmail: async () => 'am7@example.com' } as unknown as SlackClient,
  store: { getGapStates: async () => new Map(), listFollowUps: async () => [] } as unknown as StateStore,
  snapshots: holder,
  digestChannel: 'C1',
  logger: createLogger({ level: 'silent' }),
  now: () => new Date(),
};

const queries = [
  'C0123456',
  'Stark Wayne Co 123456',
  'Hooli Acme',
  'Hoolli Akme',
  'top',
  'top 25',
  'churn',
  'mine',
];
let worst = 0;
for (const query of queries) {
  const t = performance.now();
  const answer = await buildAnswer(parseRevgapCommand(query), { userId: 'U7', audience: 'private' }, loaded, {
    ...deps,
    chat: deps.slack,
  });
  const ms = performance.now() - t;
  worst = Math.max(worst, ms);
  console.log(
    `/revgap ${query.padEnd(24)} ${String(Math.round(ms)).padStart(5)} ms  ${answer.text.slice(0, 60)}`,
  );
}
console.log(
  `slowest answer ${Math.round(worst)} ms (budget ${BUDGET_MS} ms): ${worst < BUDGET_MS ? 'OK' : 'TOO SLOW'}`,
);
