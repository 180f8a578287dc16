/**
 * The running bot's local control endpoint: how a second revgap process reaches a `revgap serve`
 * that holds the embedded (PGlite) store, which serves one process only.
 *
 * An HTTP server on 127.0.0.1 with a random port, and a random token; both go into
 * `<dataDir>/control.json` (mode 0600, so only the user who runs the bot can read the token). The
 * one route today is `POST /digest` (`{ "force": true|false }`): the bot posts a digest now, exactly
 * as `revgap digest` would, and answers with the outcome. `GET /status` says who is running. Every
 * request needs `Authorization: Bearer <token>`. With DATABASE_URL no endpoint is needed: processes
 * share the PostgreSQL server directly.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { type ControlFile, controlFileOf, type DigestReply, readControlFile } from './control-client.ts';

export interface ControlServerOptions {
  dataDir: string;
  /** Posts a digest now, as `revgap digest` does (the bot's `postDigest`). */
  postDigest(options: { force: boolean }): Promise<DigestReply>;
  /** Shown by `GET /status` and in the control file, e.g. `revgap serve`. */
  command: string;
  logger: Logger;
}

export interface ControlServer {
  url: string;
  /** Stops listening and removes the control file (if it is still ours). Idempotent. */
  close(): Promise<void>;
}

const MAX_BODY = 4096;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) reject(new Error('request body too large'));
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const token = randomBytes(24).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  const authorized = (request: IncomingMessage): boolean => {
    const given = Buffer.from(request.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const since = new Date().toISOString();

  const server = createServer((request, response) => {
    void (async () => {
      if (!authorized(request)) return send(response, 401, { error: 'missing or wrong token' });
      const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
      if (request.method === 'GET' && path === '/status') {
        return send(response, 200, { pid: process.pid, command: options.command, since });
      }
      if (request.method === 'POST' && path === '/digest') {
        let force = false;
        try {
          const body = (await readBody(request)).trim();
          force = body === '' ? false : (JSON.parse(body) as { force?: unknown }).force === true;
        } catch (error) {
          return send(response, 400, { error: `bad request: ${(error as Error).message}` });
        }
        try {
          options.logger.info({ force }, 'digest requested through the control endpoint');
          return send(response, 200, await options.postDigest({ force }));
        } catch (error) {
          options.logger.error({ err: error }, 'digest requested through the control endpoint failed');
          return send(response, 500, {
            error: error instanceof Error ? error.message : String(error),
            ...(error instanceof AppError && error.hint ? { hint: error.hint } : {}),
          });
        }
      }
      return send(response, 404, { error: `no route ${request.method} ${path}` });
    })().catch(() => {
      if (!response.headersSent) send(response, 500, { error: 'internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // The CLI's request is one at a time and short; nothing should keep the process alive at exit.
  server.unref();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const file: ControlFile = {
    pid: process.pid,
    host: hostname(),
    command: options.command,
    url,
    token,
    since,
  };
  const path = controlFileOf(options.dataDir);
  mkdirSync(options.dataDir, { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(file)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  options.logger.info({ url }, 'control endpoint listening (revgap digest next to this bot asks it to post)');

  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        if (readControlFile(options.dataDir)?.token === token) rmSync(path, { force: true });
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}
