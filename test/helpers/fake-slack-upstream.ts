/**
 * A tiny stand-in for Slack's Web API (for testing the fault proxy and the delivery layer without
 * local-slack): every method answers `{ ok: true }`, chat.postMessage a growing `ts`, and the
 * upload flow hands out an upload URL on itself.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUpstream {
  url: string;
  /** Methods (or `upload`) in the order they reached the upstream. */
  received: string[];
  close(): Promise<void>;
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const received: string[] = [];
  let ts = 0;
  let base = '';
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '/';
      const method = path.startsWith('/upload/') ? 'upload' : path.replace('/api/', '');
      received.push(method);
      let body: Record<string, unknown> = { ok: true };
      if (method === 'chat.postMessage')
        body = { ok: true, channel: 'C1', ts: `1700000000.${String(++ts).padStart(6, '0')}` };
      if (method === 'files.getUploadURLExternal')
        body = { ok: true, upload_url: `${base}/upload/v1/abc`, file_id: 'F1' };
      if (method === 'files.completeUploadExternal')
        body = { ok: true, files: [{ id: 'F1', title: 'report.md' }] };
      if (method === 'upload') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('OK - 5');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
