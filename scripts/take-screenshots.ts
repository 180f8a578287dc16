/// <reference lib="dom" />
/**
 * Screenshots of revgap in local-slack's web UI, for the docs (`npm run screenshots`).
 *
 * Starts what `npm start` starts without Slack tokens (local-slack with the demo workspace, the bot
 * on the bundled sample data, state in an in-memory PGlite), on free ports, posts a digest, then
 * drives headless Chromium (Debian's /usr/bin/chromium through playwright-core) and local-slack's
 * `/_control` API:
 *
 *   digest.png         #revenue with the compact digest: summary, one line per top customer
 *   digest-thread.png  the digest's thread open: the last full cards and the markdown report reply
 *   claim.png          Bob claims the top gap on its card in the thread: the card and the digest's
 *                      line updated in place, the claim in the thread
 *   deep-dive.png      Bob's `/revgap <customer id>` answer (ephemeral, "only visible to you")
 *   home.png           Bob's Home tab, "My accounts": his total and split, his gaps, the team's
 *   dm-digest.png      Bob's digest by DM (turned on), sent with the next digest
 *   deep-dive-modal.png  Bob's Deep dive on the top card: the modal with the revenue chart
 *
 * Everything started here is stopped at the end, also on failure.
 *
 * Usage: node --import tsx scripts/take-screenshots.ts [--out DIR] [--raw]
 *   --out DIR  where the PNGs go (default docs/screenshots)
 *   --raw      keep local-slack's own mrkdwn rendering (see renderLikeSlack below)
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { loadConfig } from '../src/config.ts';
import {
  buildLocalWorkspace,
  LOCAL_SLACK_CREDENTIALS,
  type LocalSlackServer,
  startLocalSlack,
} from '../src/dev/local-slack.ts';
import { createLogger } from '../src/logger.ts';
import { type RunningRevgap, startRevgap } from '../src/main.ts';
import { ACTION_CLAIM, ACTION_DEEP_DIVE } from '../src/render/slack/ids.ts';
import { SAMPLE_ACCOUNT_MANAGERS } from '../src/sources/sample/generate-sample.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** The account manager who claims and asks (Bob owns the sample's top gap). */
const ACTOR = { id: 'U01BOB', name: 'Bob Martinez' };
const WIDTH = 1280;

interface StoredMessage {
  ts: string;
  text: string;
  user?: string;
  subtype?: string;
  thread_ts?: string;
  ephemeral_to?: string;
  blocks?: Array<{ type: string; block_id?: string; elements?: Array<Record<string, unknown>> }>;
  files?: Array<{ name: string }>;
}

function step(text: string): void {
  process.stderr.write(`screenshots: ${text}\n`);
}

async function control<T>(slack: LocalSlackServer, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${slack.url}/_control${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as T & { ok?: boolean };
  if (!response.ok || json.ok === false) {
    throw new Error(`local-slack ${path}: ${response.status} ${JSON.stringify(json)}`);
  }
  return json;
}

async function waitForMessages(
  slack: LocalSlackServer,
  channel: string,
  what: string,
  predicate: (messages: StoredMessage[]) => boolean,
  timeoutMs = 15_000,
): Promise<StoredMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { messages } = await control<{ messages: StoredMessage[] }>(slack, `/messages/${channel}`);
    if (predicate(messages)) return messages;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the UI has drawn what `selector` finds and the fonts are in. */
async function settle(page: Page, selector: string): Promise<void> {
  await page.locator(selector).first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(400);
}

/**
 * Two places where local-slack 0.1.8's mrkdwn rendering differs from Slack's, redrawn (unless `--raw`)
 * so the pictures show what Slack shows; nothing else on the page is touched:
 * - it escapes `&` again, so the `&amp;` that Slack's mrkdwn requires for `&` shows as "&amp;";
 * - it has no ``` code blocks: the fences show as text and the spaces that align numbers collapse.
 * Only `span.mrkdwn` (mrkdwn text objects) is changed; plain_text is left as local-slack draws it.
 */
async function renderLikeSlack(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const span of Array.from(document.querySelectorAll<HTMLElement>('span.mrkdwn'))) {
      const before = span.innerHTML;
      const after = before
        .replace(/&amp;(amp|lt|gt);/g, '&$1;')
        .replace(/```(?:<br\/?>)?([\s\S]*?)```/g, (_all, body: string) => {
          const text = body.replace(/<br\/?>/g, '\n').replace(/\n$/, '');
          return (
            "<pre style=\"font-family:'DejaVu Sans Mono',monospace;font-size:12px;line-height:1.45;" +
            'background:#f8f8f8;border:1px solid #ddd;border-radius:4px;padding:8px;margin:4px 0;' +
            `white-space:pre;overflow-x:auto">${text}</pre>`
          );
        });
      if (after !== before) span.innerHTML = after;
    }
  });
}

async function scrollTo(page: Page, container: string, where: 'top' | 'bottom' | string): Promise<void> {
  await page.evaluate(
    ({ container, where }) => {
      const pane = document.querySelector<HTMLElement>(container);
      if (!pane) throw new Error(`no ${container} on the page`);
      if (where === 'top') pane.scrollTop = 0;
      else if (where === 'bottom') pane.scrollTop = pane.scrollHeight;
      else {
        const target = pane.querySelector<HTMLElement>(where);
        if (!target) throw new Error(`no ${where} in ${container}`);
        pane.scrollTop += target.getBoundingClientRect().top - pane.getBoundingClientRect().top - 8;
      }
    },
    { container, where },
  );
  await page.waitForTimeout(200);
}

async function actAs(page: Page, userId: string): Promise<void> {
  await page.locator('label.actas select').last().selectOption(userId);
}

async function viewport(page: Page, height: number): Promise<void> {
  await page.setViewportSize({ width: WIDTH, height });
  await page.waitForTimeout(300);
}

async function shoot(page: Page, path: string, likeSlack: boolean): Promise<void> {
  if (likeSlack) await renderLikeSlack(page);
  await page.screenshot({ path });
  const kb = Math.round(statSync(path).size / 1024);
  step(`wrote ${path} (${kb} KB)`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, raw: { type: 'boolean' } },
    allowPositionals: false,
  });
  const outDir = resolve(ROOT, values.out ?? 'docs/screenshots');
  mkdirSync(outDir, { recursive: true });
  const likeSlack = values.raw !== true;

  const cleanups: Array<() => Promise<void>> = [];
  try {
    step('starting local-slack and the bot on the bundled sample data');
    const slack = await startLocalSlack({
      workspace: buildLocalWorkspace({ mode: 'socket', people: SAMPLE_ACCOUNT_MANAGERS }),
    });
    cleanups.push(() => slack.stop());
    const channel = slack.workspace.channels[0]!.id;
    const scratch = mkdtempSync(join(tmpdir(), 'revgap-screenshots-'));
    cleanups.push(async () => rmSync(scratch, { recursive: true, force: true }));

    // The demo's config (no config file, no environment): bundled sample data, default settings.
    const config = loadConfig({ env: {}, cwd: scratch });
    const bot: RunningRevgap = await startRevgap({
      config: {
        ...config,
        slackBotToken: LOCAL_SLACK_CREDENTIALS.botToken,
        slackAppToken: LOCAL_SLACK_CREDENTIALS.appToken,
        slackApiUrl: slack.apiUrl,
        channel: '#revenue',
        dataDir: 'memory://',
      },
      logger: createLogger({ level: 'warn', name: 'revgap' }),
      scheduler: false,
    });
    cleanups.unshift(() => bot.stop());

    const posted = await bot.postDigest({ force: true });
    if (posted.status !== 'posted') throw new Error(`the digest was not posted: ${posted.status}`);
    const messages = await waitForMessages(slack, channel, 'the digest and its report', (m) =>
      m.some((x) => x.thread_ts !== undefined && x.thread_ts !== x.ts && (x.files?.length ?? 0) > 0),
    );
    const digest = messages.find((m) => m.thread_ts === undefined || m.thread_ts === m.ts)!;
    // The full cards are in the digest's thread; the first of them is the top gap's.
    const cards = messages.find(
      (m) => m.thread_ts === digest.ts && m.blocks?.some((b) => b.block_id?.startsWith('gap:a:')),
    );
    const firstActions = cards?.blocks?.find((b) => b.type === 'actions' && b.block_id?.startsWith('gap:a:'));
    const claim = firstActions?.elements?.find((e) => e.action_id === ACTION_CLAIM);
    if (!cards || !firstActions || !claim)
      throw new Error('the digest thread has no card with a Claim button');
    const topCustomer = JSON.parse(String(claim.value)) as { c: string };
    step(`digest posted (${digest.text.slice(0, 70)}...)`);

    step('launching Chromium');
    const profile = mkdtempSync(join(tmpdir(), 'revgap-chromium-'));
    cleanups.push(async () => rmSync(profile, { recursive: true, force: true }));
    const browser: BrowserContext = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: WIDTH, height: 1600 },
      deviceScaleFactor: 1,
    });
    cleanups.unshift(() => browser.close());
    const page = browser.pages()[0] ?? (await browser.newPage());

    // 1. The digest in #revenue, from its header down.
    await page.goto(`${slack.url}/archives/${channel}`);
    await settle(page, '.messages .msg');
    await actAs(page, ACTOR.id);
    await viewport(page, 1600);
    await scrollTo(page, '.messages', 'top');
    await shoot(page, join(outDir, 'digest.png'), likeSlack);

    // 2. Its thread: the end of the digest and the report file.
    await page.goto(`${slack.url}/archives/${channel}?thread_ts=${digest.ts}`);
    await settle(page, '.thread-body .msg');
    await actAs(page, ACTOR.id);
    await viewport(page, 1200);
    await scrollTo(page, '.thread-body', 'bottom');
    await scrollTo(page, '.messages', 'bottom');
    await shoot(page, join(outDir, 'digest-thread.png'), likeSlack);

    // 3. Bob claims the top gap (a click on its card's Claim button, in the thread).
    await control(slack, '/interact', {
      channel,
      messageTs: cards.ts,
      user: ACTOR.id,
      action: { type: 'button', ...claim, block_id: firstActions.block_id },
    });
    await waitForMessages(
      slack,
      channel,
      'the claim',
      (m) =>
        m.some((x) => x.thread_ts === digest.ts && x.ts !== digest.ts && x.text.includes('claimed')) &&
        JSON.stringify(m.find((x) => x.ts === cards.ts)?.blocks ?? []).includes('Claimed by') &&
        JSON.stringify(m.find((x) => x.ts === digest.ts)?.blocks ?? []).includes('Claimed by'),
    );
    await page.waitForTimeout(500);
    await viewport(page, 1100);
    await scrollTo(page, '.messages', 'top');
    await scrollTo(page, '.thread-body', 'bottom');
    await shoot(page, join(outDir, 'claim.png'), likeSlack);

    // 4. Bob's deep dive on that customer: an ephemeral answer in #revenue.
    await control(slack, '/command', { channel, user: ACTOR.id, command: '/revgap', text: topCustomer.c });
    await waitForMessages(slack, channel, 'the deep dive', (m) =>
      m.some(
        (x) => x.subtype === 'ephemeral' && x.ephemeral_to === ACTOR.id && x.text.includes(topCustomer.c),
      ),
    );
    await page.goto(`${slack.url}/archives/${channel}`);
    await settle(page, '.messages .msg');
    await actAs(page, ACTOR.id);
    await page.locator('.badge-eph').last().waitFor({ state: 'visible' });
    await viewport(page, 1300);
    await scrollTo(page, '.messages', 'bottom');
    await shoot(page, join(outDir, 'deep-dive.png'), likeSlack);

    // 5. Bob's Home tab, "My accounts" (published when he opens it; the claim above is on it).
    await page.goto(`${slack.url}/archives/${channel}`);
    await settle(page, '.messages .msg');
    await actAs(page, ACTOR.id);
    await page.locator('.sidebar-item', { hasText: '🏠' }).first().click();
    await settle(page, '.home .blocks');
    await page.getByText('My accounts').first().waitFor({ state: 'visible', timeout: 15_000 });
    await viewport(page, 1500);
    await scrollTo(page, '.home', 'top');
    await shoot(page, join(outDir, 'home.png'), likeSlack);

    // 6. His digest by DM: he turns it on (the Home tab's toggle), and the next digest sends it.
    await bot.store.setDmDigest(ACTOR.id, true, new Date().toISOString());
    const again = await bot.postDigest({ force: true });
    if (again.status !== 'posted') throw new Error(`the second digest was not posted: ${again.status}`);
    const state = await control<{ channels: Array<{ id: string; is_im?: boolean; members: string[] }> }>(
      slack,
      '/state',
    );
    const dm = state.channels.find((c) => c.is_im && c.members.includes(ACTOR.id));
    if (!dm) throw new Error('no direct message with Bob');
    await waitForMessages(slack, dm.id, 'the digest by DM', (m) =>
      m.some((x) => x.text.includes('Your accounts')),
    );
    await page.goto(`${slack.url}/archives/${dm.id}`);
    await settle(page, '.messages .msg');
    await actAs(page, ACTOR.id);
    await viewport(page, 1500);
    await scrollTo(page, '.messages', 'top');
    await shoot(page, join(outDir, 'dm-digest.png'), likeSlack);

    // 7. Bob's Deep dive on the top card: the modal, once filled in with its chart.
    const deepDive = firstActions.elements?.find((e) => e.action_id === ACTION_DEEP_DIVE);
    if (!deepDive) throw new Error('the top card has no Deep dive button');
    await page.goto(`${slack.url}/archives/${channel}?thread_ts=${digest.ts}`);
    await settle(page, '.thread-body .msg');
    await actAs(page, ACTOR.id);
    await control(slack, '/interact', {
      channel,
      messageTs: cards.ts,
      user: ACTOR.id,
      action: { type: 'button', ...deepDive, block_id: firstActions.block_id },
    });
    await page.locator('.modal .bk-image img').first().waitFor({ state: 'attached', timeout: 15_000 });
    // local-slack's UI draws an image block from `image_url` only; Slack draws a `slack_file` from
    // the uploaded file. Point the image at the file the bot uploaded, as Slack would show it.
    await page.evaluate(async () => {
      const stack = await new Promise<Array<{ blocks?: Array<Record<string, unknown>> }>>((done) => {
        const ws = new WebSocket(`ws://${location.host}/ui`);
        ws.onmessage = (event) => {
          const frame = JSON.parse(String(event.data)) as { t: string; state?: { modalStack?: [] } };
          if (frame.t !== 'init') return;
          ws.close();
          done(frame.state?.modalStack ?? []);
        };
      });
      const ids = (stack.at(-1)?.blocks ?? [])
        .map((b) => (b.slack_file as { id?: string } | undefined)?.id)
        .filter((id): id is string => typeof id === 'string');
      document.querySelectorAll<HTMLImageElement>('.modal .bk-image img').forEach((img, i) => {
        if (ids[i]) img.src = `/files/bot/${ids[i]}/chart.png`;
      });
    });
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('.modal .bk-image img')].every(
        (img) => img.complete && img.naturalWidth > 0,
      ),
    );
    await page.waitForTimeout(500);
    await viewport(page, 1500);
    await shoot(page, join(outDir, 'deep-dive-modal.png'), likeSlack);
    step('done');
  } finally {
    for (const cleanup of cleanups) {
      await cleanup().catch((error: unknown) => step(`cleanup failed: ${(error as Error).message}`));
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`screenshots failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
