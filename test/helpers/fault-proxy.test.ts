import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from './fake-slack-upstream.ts';
import {
  type FaultProxy,
  hang,
  platformError,
  rateLimited,
  reset,
  serverError,
  startFaultProxy,
} from './fault-proxy.ts';

let upstream: FakeUpstream;
let proxy: FaultProxy;

beforeEach(async () => {
  upstream = await startFakeUpstream();
  proxy = await startFaultProxy({ upstream: upstream.url });
});
afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

const post = (method: string, signal?: AbortSignal) =>
  fetch(`${proxy.apiUrl}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'C1', text: 'hi' }),
    ...(signal ? { signal } : {}),
  });

describe('startFaultProxy', () => {
  it('forwards calls untouched when no fault is set, and records them', async () => {
    const response = await post('chat.postMessage');
    expect(await response.json()).toMatchObject({ ok: true, ts: '1700000000.000001' });
    expect(proxy.calls).toEqual([
      {
        method: 'chat.postMessage',
        status: 200,
        fault: null,
        body: '{"channel":"C1","text":"hi"}',
        headers: expect.objectContaining({ 'content-type': 'application/json' }),
        at: expect.any(Number),
      },
    ]);
    expect(upstream.received).toEqual(['chat.postMessage']);
  });

  it('answers 429 with Retry-After the given number of times, then forwards', async () => {
    proxy.inject('chat.postMessage', rateLimited(3), 2);
    const first = await post('chat.postMessage');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect((await post('chat.postMessage')).status).toBe(429);
    expect((await post('chat.postMessage')).status).toBe(200);
    expect(upstream.received).toEqual(['chat.postMessage']);
  });

  it('lets the first calls through when asked to fault later ones', async () => {
    proxy.inject('chat.postMessage', serverError(500), 1, { after: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post('chat.postMessage')).status);
    expect(statuses).toEqual([200, 200, 500, 200]);
    await proxy.waitForCalls('chat.postMessage', 4);
  });

  it('faults only the named method', async () => {
    proxy.inject('files.completeUploadExternal', serverError(503));
    expect((await post('chat.postMessage')).status).toBe(200);
    expect((await post('files.completeUploadExternal')).status).toBe(503);
  });

  it('answers a platform error as Slack does: HTTP 200 and ok false', async () => {
    proxy.inject('chat.postMessage', platformError('not_in_channel'));
    const response = await post('chat.postMessage');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: false, error: 'not_in_channel' });
    expect(upstream.received).toEqual([]);
  });

  it('hangs until the client gives up', async () => {
    proxy.inject('chat.postMessage', hang);
    await expect(post('chat.postMessage', AbortSignal.timeout(200))).rejects.toThrow();
    expect(proxy.callsTo('chat.postMessage')).toEqual([
      {
        method: 'chat.postMessage',
        status: null,
        fault: 'hang',
        body: expect.any(String),
        headers: expect.any(Object),
        at: expect.any(Number),
      },
    ]);
  });

  it('drops the connection', async () => {
    proxy.inject('chat.postMessage', reset);
    await expect(post('chat.postMessage')).rejects.toThrow();
  });

  it('sends uploads through itself so the upload URL can fail too', async () => {
    const answer = (await (await post('files.getUploadURLExternal')).json()) as { upload_url: string };
    expect(answer.upload_url).toBe(`${proxy.url}/upload/v1/abc`);
    proxy.inject('upload', serverError(500));
    expect((await fetch(answer.upload_url, { method: 'POST', body: 'hello' })).status).toBe(500);
    expect((await fetch(answer.upload_url, { method: 'POST', body: 'hello' })).status).toBe(200);
    expect(proxy.callsTo('upload').map((c) => [c.status, c.body])).toEqual([
      [500, 'hello'],
      [200, 'hello'],
    ]);
  });
});
