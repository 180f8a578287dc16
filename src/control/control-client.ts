/**
 * The CLI side of the control endpoint (control-server.ts): find a `revgap serve` running on the
 * same embedded data directory and ask it to post the digest, instead of opening the store it holds.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../errors.ts';
import { isProcessAlive } from '../store/data-dir-lock.ts';

/** `<dataDir>/control.json`, written by the serving process. */
export interface ControlFile {
  pid: number;
  host: string;
  command: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  token: string;
  since: string;
}

/** What `POST /digest` answers: the same facts `revgap digest` prints. */
export type DigestReply =
  | { status: 'posted'; channel: string; runId: string; parts: number; cards: number; fileId: string | null }
  | { status: 'already_posted'; channel: string; runId: string };

export const controlFileOf = (dataDir: string): string => join(dataDir, 'control.json');

export function readControlFile(dataDir: string): ControlFile | null {
  try {
    const file = JSON.parse(readFileSync(controlFileOf(dataDir), 'utf8')) as Partial<ControlFile>;
    if (!Number.isInteger(file.pid) || typeof file.url !== 'string' || typeof file.token !== 'string') {
      return null;
    }
    return file as ControlFile;
  } catch {
    return null;
  }
}

/** The bot serving `dataDir` on this host, or null when none runs (a file left by a dead one is ignored). */
export function findRunningBot(dataDir: string): ControlFile | null {
  const file = readControlFile(dataDir);
  if (!file || file.host !== hostname() || !isProcessAlive(file.pid)) return null;
  return file;
}

/** Asks the running bot to post a digest now; throws an AppError that says what failed. */
export async function askBotToPostDigest(
  bot: ControlFile,
  options: { force: boolean },
): Promise<DigestReply> {
  const who = `\`${bot.command}\` (pid ${bot.pid})`;
  let response: Response;
  try {
    response = await fetch(`${bot.url}/digest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bot.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ force: options.force }),
    });
  } catch (error) {
    throw new AppError(
      'STORE',
      `Could not reach the running bot ${who} at ${bot.url}: ${(error as Error).message}`,
      {
        hint: `Is it still starting or stopping? Try again, or stop it (kill ${bot.pid}) and run revgap digest alone.`,
      },
    );
  }
  const body = (await response.json().catch(() => ({}))) as DigestReply | { error?: string; hint?: string };
  if (!response.ok || !('status' in body)) {
    const failure = body as { error?: string; hint?: string };
    throw new AppError(
      'SLACK_API',
      `The running bot ${who} could not post the digest: ${failure.error ?? `HTTP ${response.status}`}`,
      { hint: failure.hint ?? `See the bot's log (pid ${bot.pid}) for details.` },
    );
  }
  return body;
}
