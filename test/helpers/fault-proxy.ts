/**
 * A small HTTP proxy in front of local-slack's Web API that misbehaves on request: per API method
 * (`chat.postMessage`, `files.getUploadURLExternal`, `files.completeUploadExternal`, or `upload` for
 * the upload URL itself) it can answer 429 with Retry-After, a 5xx, hang, drop the connection, or
 * answer a platform error (`{ ok: false, error: 'not_in_channel' }`), the next N times. Every call is
 * recorded. It listens on 127.0.0.1 only.
 *
 * Upload URLs handed out by `files.getUploadURLExternal` are rewritten to point at the proxy, so the
 * upload itself can fail too.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  /** Answer this HTTP status (429 adds `Retry-After: retryAfterSec`, default 1). */
  | { kind: 'status'; status: number; retryAfterSec?: number }
  /** HTTP 200 with `{ ok: false, error }`, as Slack reports most failures. */
  | { kind: 'platform'; error: string }
  /** Never answer (the client's timeout fires); the socket is closed when the proxy closes. */
  | { kind: 'hang' }
  /** Drop the connection without answering. */
  | { kind: 'reset' }
  /** Forward the call, then drop the answer: Slack did the work but the client never hears it. */
  | { kind: 'lose_response' };

export const rateLimited = (retryAfterSec = 1): Fault => ({ kind: 'status', status: 429, retryAfterSec });
export const serverError = (status = 500): Fault => ({ kind: 'status', status });
export const platformError = (error: string): Fault => ({ kind: 'platform', error });
export const hang: Fault = { kind: 'hang' };
export const reset: Fault = { kind: 'reset' };

export interface ProxyCall {
  /** API method (`chat.postMessage`), `upload` for the upload URL, or the path. */
  method: string;
  /** Status sent back; null when none was (hang, reset). */
  status: number | null;
  /** The fault applied, or null when the call went through. */
  fault: Fault['kind'] | null;
  /** Request body as text (form or JSON; the upload's bytes as UTF-8). */
  body: string;
  /** Request headers (lower-case names), e.g. to replay a signed Slack request. */
  headers: Record<string, string>;
  /** When the request arrived (ms since the epoch). */
  at: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:N` */
  url: string;
  /** `http://127.0.0.1:N/api/`: give this to the bot as `slackApiUrl`. */
  apiUrl: string;
  /**
   * Apply `fault` to the next `times` calls of `method` (default 1), after letting `after` calls
   * through untouched (default 0). Rules for one method apply in order.
   */
  inject(method: string, fault: Fault, times?: number, options?: { after?: number }): void;
  /** Resolves once `method` has been called `count` times in all (faulted or not). */
  waitForCalls(method: string, count: number, timeoutMs?: number): Promise<void>;
  calls: ProxyCall[];
  callsTo(method: string): ProxyCall[];
  /** Forget rules and recorded calls. */
  reset(): void;
  close(): Promise<void>;
}

interface Rule {
  method: string;
  fault: Fault;
  left: number;
  skip: number;
}

function methodOf(path: string): string {
  if (path.startsWith('/api/')) return path.slice('/api/'.length);
  if (path.startsWith('/upload/')) return 'upload';
  return path;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the proxy in front of `upstream` (e.g. local-slack's `http://localhost:N`). */
export async function startFaultProxy(options: { upstream: string }): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const rules: Rule[] = [];
  const calls: ProxyCall[] = [];
  const sockets = new Set<Socket>();
  let base = '';

  const takeFault = (method: string): Fault | null => {
    const rule = rules.find((r) => r.method === method && r.left > 0);
    if (!rule) return null;
    if (rule.skip > 0) {
      rule.skip -= 1;
      return null;
    }
    rule.left -= 1;
    return rule.fault;
  };

  const forward = async (req: IncomingMessage, body: Buffer, path: string) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || ['host', 'content-length', 'connection'].includes(name)) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await fetch(new URL(path, upstream), {
      method: req.method ?? 'POST',
      headers,
      ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body }),
    });
    let text = await response.text();
    if (path.startsWith('/api/files.getUploadURLExternal')) {
      // Send the upload through the proxy too, so it can be faulted.
      text = text.replace(/"upload_url":"https?:\/\/[^/"]+/, `"upload_url":"${base}`);
    }
    return { status: response.status, contentType: response.headers.get('content-type'), text };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    const method = methodOf(path.split('?')[0] ?? '/');
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
    }
    const call: ProxyCall = {
      method,
      status: null,
      fault: null,
      body: body.toString('utf8'),
      headers,
      at: Date.now(),
    };
    calls.push(call);
    const fault = takeFault(method);
    call.fault = fault?.kind ?? null;

    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      call.status = fault.status;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.status === 429) headers['retry-after'] = String(fault.retryAfterSec ?? 1);
      const error = fault.status === 429 ? 'ratelimited' : 'fault_proxy_error';
      res.writeHead(fault.status, headers).end(JSON.stringify({ ok: false, error }));
      return;
    }
    if (fault?.kind === 'platform') {
      call.status = 200;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: false, error: fault.error }));
      return;
    }
    const answer = await forward(req, body, path);
    if (fault?.kind === 'lose_response') {
      req.socket.destroy();
      return;
    }
    call.status = answer.status;
    res
      .writeHead(answer.status, answer.contentType ? { 'content-type': answer.contentType } : {})
      .end(answer.text);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502).end(String(error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    apiUrl: `${base}/api/`,
    inject(method, fault, times = 1, options = {}) {
      rules.push({ method, fault, left: times, skip: options.after ?? 0 });
    },
    async waitForCalls(method, count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (calls.filter((c) => c.method === method).length < count) {
        if (Date.now() > deadline) {
          throw new Error(
            `fault proxy: ${method} called ${calls.filter((c) => c.method === method).length} times, expected ${count}`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    reset() {
      rules.length = 0;
      calls.length = 0;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
