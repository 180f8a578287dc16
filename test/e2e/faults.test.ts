/**
 * The bot under faults, end to end: startRevgap (as `revgap serve`) against local-slack, with a
 * fault proxy on the Web API (429 + Retry-After, 5xx, dropped connections, a hung request, platform
 * errors) and, in HTTP mode, a recorder between local-slack and the bot so that real deliveries can
 * be re-sent (as Slack's retries), forged, aged or replayed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { ACTION_CLAIM, ACTION_DEEP_DIVE } from '../../src/render/slack/ids.ts';
import { signSlackRequest } from '../../src/slack/reliability/verify-slack-signature.ts';
import { hang, platformError, rateLimited, reset, serverError } from '../helpers/fault-proxy.ts';
import type { StoredMessage } from '../helpers/local-slack.ts';
import { ADMIN_CHANNEL, type FaultStack, postgresReachable, startFaultStack } from './_fault-stack.ts';

const hasPostgres = await postgresReachable();

/** Monday 23 November 2026, 09:00 UTC: the default schedule's slot. */
const SLOT = Date.parse('2026-11-23T09:00:00Z');
/** A clock that starts `offsetMs` after the slot and runs at real speed. */
const clockAfterSlot = (offsetMs: number) => {
  const t0 = Date.now();
  return () => new Date(SLOT + offsetMs + (Date.now() - t0));
};

const digestParents = (messages: StoredMessage[]) =>
  messages.filter((m) => !m.thread_ts && !m.ephemeral_to && m.text.startsWith('Revenue gaps'));
const filesIn = (messages: StoredMessage[]) => messages.flatMap((m) => m.files ?? []);
const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

type Button = Record<string, unknown> & { action_id: string; value?: string; block_id: string };
/** Buttons (and overflow menus) with `actionId` in a message, with their block ids. */
function buttonsIn(message: StoredMessage, actionId: string): Button[] {
  const out: Button[] = [];
  for (const block of message.blocks ?? []) {
    const b = block as { block_id?: string; elements?: unknown[]; accessory?: unknown };
    for (const el of [...(b.elements ?? []), b.accessory]) {
      const e = el as { action_id?: string; value?: string } | undefined;
      if (e?.action_id === actionId) {
        out.push({ action_id: actionId, block_id: b.block_id ?? '', ...(e.value ? { value: e.value } : {}) });
      }
    }
  }
  return out;
}

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out; last value: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function expectNoSecretIn(stack: FaultStack): void {
  const text = stack.logs.text();
  expect(stack.logs.lines.length).toBeGreaterThan(20);
  for (const secret of stack.secrets()) expect(text).not.toContain(secret);
}

describe.skipIf(!hasPostgres)('digest delivery under Web API faults (Socket Mode)', () => {
  let stack: FaultStack | null = null;
  afterEach(async () => {
    if (stack) expectNoSecretIn(stack);
    await stack?.close();
    stack = null;
  });

  it('posts the digest and its file once through 429s, a 500, a reset, a 503 and a timeout', async () => {
    stack = await startFaultStack();
    const { proxy } = stack;
    proxy.inject('chat.postMessage', rateLimited(1));
    proxy.inject('chat.postMessage', serverError(500));
    proxy.inject('chat.postMessage', reset);
    proxy.inject('upload', serverError(503));
    proxy.inject('upload', hang);
    proxy.inject('files.completeUploadExternal', rateLimited(1));

    // start() runs the due slot (30 s ago) before it returns.
    const bot = await stack.startBot({ now: clockAfterSlot(30_000) });

    const messages = await stack.slack.messages();
    expect(digestParents(messages)).toHaveLength(1);
    expect(filesIn(messages)).toHaveLength(1);
    const runs = await bot.store.listDigestRuns();
    expect(runs.map((r) => [r.status, r.late, r.fileId !== null])).toEqual([['completed', false, true]]);
    // Every fault was met and retried; the parent message reached Slack once.
    expect(
      proxy
        .callsTo('chat.postMessage')
        .slice(0, 4)
        .map((c) => c.fault),
    ).toEqual(['status', 'status', 'reset', null]);
    expect(proxy.callsTo('upload').map((c) => c.fault)).toEqual(['status', 'hang', null, null]);
    expect(stack.logs.find('Slack call failed; retrying').length).toBe(6);
    // Nothing went to the admin channel: the faults were all recoverable.
    expect(await stack.slack.messages(ADMIN_CHANNEL)).toEqual([]);
  });

  it('keeps the digest through a Slack outage longer than the retries and posts it at the next tick', async () => {
    stack = await startFaultStack();
    // Five 503s: the first attempt and all four retries of the parent message fail.
    stack.proxy.inject('chat.postMessage', serverError(503), 5);
    const bot = await stack.startBot({ now: clockAfterSlot(30_000) });
    expect((await bot.store.listDigestRuns()).map((r) => [r.status, r.attempts])).toEqual([['running', 1]]);
    expect(digestParents(await stack.slack.messages())).toEqual([]);
    expect(await stack.slack.messages(ADMIN_CHANNEL)).toEqual([]);

    expect(await bot.job?.checkNow()).toBe('completed');
    const messages = await stack.slack.messages();
    expect(digestParents(messages)).toHaveLength(1);
    expect(filesIn(messages)).toHaveLength(1);
  });

  it('does not post the digest twice when Slack posted it but the answer was lost', async () => {
    stack = await startFaultStack();
    stack.proxy.inject('chat.postMessage', { kind: 'lose_response' });
    await stack.startBot({ now: clockAfterSlot(30_000) });
    expect(digestParents(await stack.slack.messages())).toHaveLength(1);
    // The parent once (its thread of full cards follows it).
    expect(
      stack.proxy
        .callsTo('chat.postMessage')
        .filter((c) => c.body.includes(stack?.slack.channel ?? '?') && !c.body.includes('thread_ts')),
    ).toHaveLength(1);
    expect(stack.logs.find('Slack had done the call before it failed')).toHaveLength(1);
  });

  it('records a channel error as failed, tells the admin channel how to fix it, and posts nothing', async () => {
    stack = await startFaultStack();
    stack.proxy.inject('chat.postMessage', platformError('not_in_channel'));
    const bot = await stack.startBot({ now: clockAfterSlot(30_000) });

    const [run] = await bot.store.listDigestRuns();
    expect(run).toMatchObject({
      status: 'failed',
      failureReason: 'chat.postMessage failed after 1 attempt: the bot is not a member of the channel',
    });
    expect(digestParents(await stack.slack.messages())).toEqual([]);
    const admin = await stack.slack.messages(ADMIN_CHANNEL);
    expect(admin).toHaveLength(1);
    expect(admin[0]?.text).toContain(
      '*Why:* the bot is not a member of the channel (`not_in_channel`, after 1 attempt)',
    );
    expect(admin[0]?.text).toContain(
      `*Fix:* Invite @revgap to <#${stack.slack.channel}>: type \`/invite @revgap\``,
    );
    expect(stack.logs.find('digest run failed')).toHaveLength(1);
    // Only one attempt: retrying cannot fix a missing invitation.
    expect(stack.proxy.callsTo('chat.postMessage').filter((c) => c.fault === 'platform')).toHaveLength(1);
  });

  it('keeps answering from the last good snapshot when the data goes bad, and says so in the digest', async () => {
    stack = await startFaultStack();
    const first = await stack.startBot({ now: clockAfterSlot(30_000) });
    await first.stop();
    stack.bot = null;
    // A week later the sales file is broken: the refresh fails, the bot must not.
    const broken = async (): Promise<never> => {
      throw new InputError('sales.csv line 7: date "2026-13-45" is not a date');
    };
    const bot = await stack.startBot({ now: clockAfterSlot(7 * 86_400_000 + 30_000), analyze: broken });
    const parents = digestParents(await stack.slack.messages());
    expect(parents).toHaveLength(2);
    const latest = JSON.stringify(parents[1]);
    expect(latest).toContain('Data is stale');
    expect(latest).toContain('line 7');
    expect((await bot.store.listDigestRuns()).map((r) => r.status)).toEqual(['completed', 'completed']);
  });

  it('posts a slot missed while down once, late, and not again after a restart', async () => {
    stack = await startFaultStack();
    const first = await stack.startBot({ now: clockAfterSlot(5 * 3_600_000) });
    await first.stop();
    stack.bot = null;
    const bot = await stack.startBot({ now: clockAfterSlot(5 * 3_600_000 + 60_000) });
    const messages = await stack.slack.messages();
    expect(digestParents(messages)).toHaveLength(1);
    expect(digestParents(messages)[0]?.blocks?.some((b) => JSON.stringify(b).includes('Late'))).toBe(true);
    // Posts to the channel are paced about a second apart (Slack's 1/s per channel guidance): the
    // parent, the full cards in its thread (as many messages as the run recorded), then the report
    // upload (shared into the thread) waited for their turn.
    const channelPosts = stack.proxy.calls.filter(
      (c) =>
        (c.method === 'chat.postMessage' && c.body.includes(stack?.slack.channel ?? '?')) ||
        c.method === 'files.getUploadURLExternal',
    );
    const [run] = await bot.store.listDigestRuns();
    expect(run?.parts.length).toBeGreaterThanOrEqual(2);
    expect(channelPosts.map((c) => c.method)).toEqual([
      ...Array.from({ length: run?.parts.length ?? 0 }, () => 'chat.postMessage'),
      'files.getUploadURLExternal',
    ]);
    for (let i = 1; i < channelPosts.length; i++) {
      expect((channelPosts[i]?.at ?? 0) - (channelPosts[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    }
  });
});

describe.skipIf(!hasPostgres)('retried, forged and unauthorised requests (HTTP mode)', () => {
  let stack: FaultStack;
  let parent: StoredMessage;
  /** The thread message with the digest's full cards (their buttons). */
  let cards: StoredMessage;
  const ALICE = 'U01ALICE';
  const BOB = 'U01BOB';

  beforeAll(async () => {
    // Alice may use revgap; Bob, though in the channel, may not.
    stack = await startFaultStack({ mode: 'events', env: { REVGAP_ALLOWED_USERS: ALICE } });
    await stack.startBot({ now: clockAfterSlot(30_000) });
    const found = digestParents(await stack.slack.messages())[0];
    if (!found) throw new Error('no digest was posted');
    parent = found;
    const thread = await until(
      async () => (await stack.slack.messages()).filter((m) => m.thread_ts === parent.ts),
      (list) => list.some((m) => buttonsIn(m, ACTION_CLAIM).length > 0),
    );
    cards = thread.find((m) => buttonsIn(m, ACTION_CLAIM).length > 0)!;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const inboundSince = (count: number) => stack.inbound?.calls.slice(count) ?? [];
  /** Sends a body to the bot as Slack would re-send it: fresh timestamp, fresh signature. */
  let bump = 0;
  async function resend(body: string, contentType: string, sign: { secret?: string; ts?: number } = {}) {
    const ts = sign.ts ?? Math.floor(Date.now() / 1000) + ++bump;
    const secret = sign.secret ?? stack.slack.workspace.app.signingSecret;
    const response = await fetch(stack.botUrl ?? '', {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signSlackRequest(secret, ts, body),
        'x-slack-retry-num': '1',
        'x-slack-retry-reason': 'http_timeout',
      },
      body,
    });
    return response.status;
  }
  const answers = () =>
    stack.proxy.calls.filter((c) =>
      // views.open: a deep dive opens in a modal.
      ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'views.open'].includes(c.method),
    ).length;
  const followUps = async (customerId: string) => stack.bot?.store.listFollowUps(customerId) ?? [];
  /** Waits until the bot has made no answering call for `quietMs` (posts are paced ~1.1 s apart). */
  async function quiet(quietMs = 1500): Promise<number> {
    let count = answers();
    let since = Date.now();
    while (Date.now() - since < quietMs) {
      await new Promise((r) => setTimeout(r, 50));
      if (answers() !== count) {
        count = answers();
        since = Date.now();
      }
    }
    return count;
  }

  it('changes state once and answers once when a button click is delivered three times', async () => {
    const [claim] = buttonsIn(cards, ACTION_CLAIM);
    if (!claim?.value) throw new Error('no claim button on the digest');
    const customerId = (
      await stack.bot?.store.getDigestRun((await stack.bot!.store.listDigestRuns())[0]!.runKey)
    )?.priorities[0]?.customerId as string;
    const before = stack.inbound?.calls.length ?? 0;
    await stack.slack.interact(ALICE, cards.ts, claim);
    await until(
      () => followUps(customerId),
      (events) => events.length === 1,
    );
    const answered = await quiet();
    const [delivery] = inboundSince(before);
    if (!delivery) throw new Error('the click did not reach the bot');

    expect(await resend(delivery.body, delivery.headers['content-type'] ?? '')).toBe(200);
    expect(await resend(delivery.body, delivery.headers['content-type'] ?? '')).toBe(200);
    expect(await quiet()).toBe(answered);
    expect(await followUps(customerId)).toHaveLength(1);
  });

  it('answers a slash command delivered three times once', async () => {
    const before = stack.inbound?.calls.length ?? 0;
    const ephemeralsToAlice = async () =>
      (await stack.slack.messages()).filter((m) => m.ephemeral_to === ALICE);
    const already = (await ephemeralsToAlice()).length;
    await stack.slack.command(ALICE, 'top 3');
    await until(ephemeralsToAlice, (list) => list.length === already + 1);
    const [delivery] = inboundSince(before);
    if (!delivery) throw new Error('the command did not reach the bot');
    expect(await resend(delivery.body, 'application/x-www-form-urlencoded')).toBe(200);
    expect(await resend(delivery.body, 'application/x-www-form-urlencoded')).toBe(200);
    // Long enough for a duplicate answer to get through the channel pacer (~1.1 s).
    await settle(1500);
    expect(await ephemeralsToAlice()).toHaveLength(already + 1);
  });

  it('answers an event delivered three times once', async () => {
    const before = stack.inbound?.calls.length ?? 0;
    const botRepliesInThread = async () =>
      (await stack.slack.messages()).filter((m) => m.thread_ts === parent.ts && m.bot_id && !m.files?.length);
    const already = (await botRepliesInThread()).length;
    await stack.slack.message(ALICE, `<@${stack.slack.workspace.app.botUserId}> top 2`, parent.ts);
    await until(botRepliesInThread, (list) => list.length === already + 1);
    const deliveries = inboundSince(before);
    expect(deliveries.length).toBeGreaterThan(0);
    for (const delivery of deliveries) {
      expect(await resend(delivery.body, 'application/json')).toBe(200);
      expect(await resend(delivery.body, 'application/json')).toBe(200);
    }
    await settle(1500);
    expect(await botRepliesInThread()).toHaveLength(already + 1);
  });

  it('refuses unsigned, wrongly signed, stale and replayed requests with 401, changing nothing', async () => {
    const buttons = buttonsIn(cards, ACTION_DEEP_DIVE);
    const target = buttons[1] ?? buttons[0];
    if (!target) throw new Error('no deep-dive button on the digest');
    // A fresh gesture (new action_ts) on a deep-dive button, built from a real delivery's shape.
    const clickBody = (actionTs: string) => {
      const recorded = stack.inbound?.calls.find((c) => c.body.startsWith('payload='));
      const payload = JSON.parse(new URLSearchParams(recorded?.body ?? '').get('payload') ?? '{}');
      payload.actions = [{ type: 'button', ...target, action_ts: actionTs }];
      return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    };
    const form = 'application/x-www-form-urlencoded';
    const body = clickBody('1795500000.000001');
    const answered = await quiet();

    const unsigned = await fetch(stack.botUrl ?? '', {
      method: 'POST',
      headers: { 'content-type': form },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect(await resend(body, form, { secret: 'not-the-signing-secret' })).toBe(401);
    expect(await resend(body, form, { ts: Math.floor(Date.now() / 1000) - 6 * 60 })).toBe(401);
    // A request Slack really sent, sent again byte for byte (same timestamp and signature).
    const genuine = stack.inbound?.calls.find((c) => c.headers['x-slack-signature']);
    if (!genuine) throw new Error('no genuine delivery recorded');
    const replay = await fetch(stack.botUrl ?? '', {
      method: 'POST',
      headers: {
        'content-type': genuine.headers['content-type'] ?? form,
        'x-slack-request-timestamp': genuine.headers['x-slack-request-timestamp'] ?? '',
        'x-slack-signature': genuine.headers['x-slack-signature'] ?? '',
      },
      body: genuine.body,
    });
    expect(replay.status).toBe(401);
    expect(await quiet(500)).toBe(answered);
    expect(stack.logs.find('signature check failed').map((r) => r.reason)).toEqual([
      'missing',
      'bad_signature',
      'stale',
      'replayed',
    ]);

    // The same click, properly signed, is answered: the refusals above were about the signatures.
    expect(await resend(body, form)).toBe(200);
    await until(
      async () => answers(),
      (n) => n > answered,
    );
  });

  it('gives a user outside the allowed set a polite refusal and no customer data', async () => {
    const snapshot = stack.bot?.snapshots.current()?.snapshot.result;
    const names = (snapshot?.priorities ?? []).slice(0, 5).map((p) => p.customerName);
    expect(names.length).toBeGreaterThan(0);
    const toBob = async () => (await stack.slack.messages()).filter((m) => m.ephemeral_to === BOB);

    await stack.slack.command(BOB, 'top 5');
    const [claim] = buttonsIn(cards, ACTION_CLAIM);
    if (claim) await stack.slack.interact(BOB, cards.ts, claim);
    const refusals = await until(toBob, (list) => list.length === 2);
    for (const refusal of refusals) {
      expect(refusal.text).toMatch(/^Sorry, revgap's customer data is limited/);
      for (const name of names) expect(JSON.stringify(refusal)).not.toContain(name);
    }
    const customerIds = (snapshot?.priorities ?? []).slice(0, 1).map((p) => p.customerId);
    for (const id of customerIds) {
      expect((await followUps(id)).filter((e) => e.userId === BOB)).toEqual([]);
    }
  });

  it('never writes a token, the signing secret or the database password to the logs', () => {
    expectNoSecretIn(stack);
  });
});
