import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createReplayCache,
  createSignatureGuard,
  signSlackRequest,
  verifySlackSignature,
} from '../../../src/slack/reliability/verify-slack-signature.ts';
import { captureLogs } from '../../helpers/capture-logs.ts';

const SECRET = 'test-signing-secret-0123456789abcdef';
const NOW = 1_764_000_000_000;
const TS = String(NOW / 1000);
const BODY = 'token=x&command=%2Frevgap&text=top';

// Signature from Slack's documented example (api.slack.com/authentication/verifying-requests-from-slack).
const SLACK_DOC = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

describe('verifySlackSignature', () => {
  it("accepts Slack's documented example", () => {
    expect(signSlackRequest(SLACK_DOC.secret, SLACK_DOC.timestamp, SLACK_DOC.body)).toBe(SLACK_DOC.signature);
    expect(
      verifySlackSignature({
        signingSecret: SLACK_DOC.secret,
        timestamp: SLACK_DOC.timestamp,
        body: SLACK_DOC.body,
        signature: SLACK_DOC.signature,
        now: Number(SLACK_DOC.timestamp) * 1000 + 60_000,
      }),
    ).toEqual({ ok: true });
  });

  const check = (overrides: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
    verifySlackSignature({
      signingSecret: SECRET,
      timestamp: TS,
      body: BODY,
      signature: signSlackRequest(SECRET, TS, BODY),
      now: NOW,
      ...overrides,
    });

  it('refuses a missing or malformed signature', () => {
    expect(check({ signature: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(check({ timestamp: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(check({ signature: 'v0=zz' })).toEqual({ ok: false, reason: 'malformed' });
    expect(check({ timestamp: '12a' })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a body signed with another secret, or changed after signing', () => {
    expect(check({ signature: signSlackRequest('another-secret', TS, BODY) })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(check({ body: `${BODY}&text=all` })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('accepts up to 5 minutes of age and refuses older', () => {
    expect(check({ now: NOW + 300_000 })).toEqual({ ok: true });
    expect(check({ now: NOW + 301_000 })).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses a timestamp more than 5 minutes in the future (Bolt accepts it)', () => {
    expect(check({ now: NOW - 301_000 })).toEqual({ ok: false, reason: 'future' });
  });

  it('refuses the same signature a second time', () => {
    const seen = createReplayCache({ now: () => NOW });
    expect(check({ seen })).toEqual({ ok: true });
    expect(check({ seen })).toEqual({ ok: false, reason: 'replayed' });
  });

  it('does not let forged requests fill the replay cache', () => {
    const seen = createReplayCache({ now: () => NOW });
    expect(check({ seen, signature: signSlackRequest('forger', TS, BODY) }).ok).toBe(false);
    expect(check({ seen })).toEqual({ ok: true });
  });
});

describe('createSignatureGuard', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function start(now: () => number) {
    const handled: string[] = [];
    const logs = captureLogs({ secrets: [SECRET] });
    const refused: string[] = [];
    const listener = createSignatureGuard(
      { signingSecret: SECRET, now, logger: logs.logger, onRefused: (reason) => refused.push(reason) },
      (req, res) => {
        // Stands in for Bolt: it must see the raw body the guard read.
        handled.push(
          `${req.url} ${(req as IncomingMessage & { rawBody?: Buffer }).rawBody?.toString() ?? '-'}`,
        );
        res.writeHead(200).end('handled');
      },
    );
    server = createServer(listener);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const post = (headers: Record<string, string>, body = BODY, path = '/slack/events') =>
      fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers, body }).then((r) => r.status);
    return { handled, refused, logs, post, port };
  }

  const signed = (ts = TS, body = BODY) => ({
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': ts,
    'x-slack-signature': signSlackRequest(SECRET, ts, body),
  });

  it('hands a genuine request on with its raw body, and refuses its replay with 401', async () => {
    const s = await start(() => NOW);
    expect(await s.post(signed())).toBe(200);
    expect(await s.post(signed())).toBe(401);
    expect(s.handled).toEqual([`/slack/events ${BODY}`]);
    expect(s.refused).toEqual(['replayed']);
  });

  it('answers 401 to unsigned, wrongly signed and stale requests, without logging the secret', async () => {
    const s = await start(() => NOW);
    const stale = String(NOW / 1000 - 600);
    expect(await s.post({ 'content-type': 'application/x-www-form-urlencoded' })).toBe(401);
    expect(await s.post({ ...signed(), 'x-slack-signature': signSlackRequest('wrong', TS, BODY) })).toBe(401);
    expect(await s.post(signed(stale))).toBe(401);
    expect(s.handled).toEqual([]);
    expect(s.refused).toEqual(['missing', 'bad_signature', 'stale']);
    expect(s.logs.text()).not.toContain(SECRET);
    expect(s.logs.find('signature check failed')).toHaveLength(3);
  });

  it('lets other paths through untouched', async () => {
    const s = await start(() => NOW);
    const status = await fetch(`http://127.0.0.1:${s.port}/health`).then((r) => r.status);
    expect(status).toBe(200);
    expect(s.handled).toEqual(['/health -']);
  });
});
