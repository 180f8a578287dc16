/**
 * `.env` for the long-running commands (`revgap serve`, `revgap digest`): the settings file a user
 * fills in from `.env.example` is read at start, so a real workspace needs no `set -a; . ./.env`.
 * The real environment wins over the file (a variable set in the shell or by the service manager is
 * never replaced), as in dotenv and Node's own `--env-file`.
 *
 * Parsing is Node's `util.parseEnv` (Node >= 20.12): `KEY=value`, single or double quotes,
 * `export KEY=...`, comments. No dependency needed.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from '../errors.ts';
import type { CommandContext, ParseArgsOptionDescriptor } from './_context.ts';

/** The `--env-file` flag of the commands that read `.env`. */
export const ENV_FILE_OPTION: Record<string, ParseArgsOptionDescriptor> = {
  'env-file': { type: 'string' },
};

export const ENV_FILE_HELP =
  '  --env-file FILE  settings file read at start (default .env in the current directory, if there);\n' +
  '                   variables already set in the environment win over it';

/** What was read: the file, the names it set, and the names the environment kept. */
export interface DotEnvRead {
  file: string;
  applied: string[];
  overridden: string[];
}

/**
 * The context with `.env` (or `--env-file FILE`) merged under its environment. Without the flag a
 * missing `.env` is fine (nothing read); a missing `--env-file` is a ConfigError naming it.
 */
export function withDotEnv(context: CommandContext): { context: CommandContext; read: DotEnvRead | null } {
  const flag = context.values['env-file'];
  const given = typeof flag === 'string' && flag !== '';
  const file = given ? (isAbsolute(flag) ? flag : join(context.cwd, flag)) : join(context.cwd, '.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!given && code === 'ENOENT') return { context, read: null };
    throw new ConfigError(
      [`--env-file ${flag ?? file}: cannot read ${file} (${code ?? (error as Error).message})`],
      {
        hint: 'Give the path of your settings file (copy .env.example to .env and fill it in), or leave --env-file out.',
      },
    );
  }
  const fromFile = parseEnv(text);
  const applied: string[] = [];
  const overridden: string[] = [];
  const env: Record<string, string | undefined> = { ...context.env };
  for (const [key, value] of Object.entries(fromFile)) {
    if (context.env[key] !== undefined) overridden.push(key);
    else {
      env[key] = value;
      applied.push(key);
    }
  }
  return { context: { ...context, env }, read: { file, applied, overridden } };
}

/** One stderr line saying what was read (names only, never values: the file holds secrets). */
export function describeDotEnv(read: DotEnvRead): string {
  const kept = read.overridden.length ? `; kept from the environment: ${read.overridden.join(', ')}` : '';
  return `Read ${read.applied.length} setting${read.applied.length === 1 ? '' : 's'} from ${read.file}${kept}.\n`;
}

/**
 * What `revgap serve` and `revgap digest` do first: the context with `.env` merged in, after one
 * stderr line saying what was read (nothing when there was no file).
 */
export function contextWithDotEnv(given: CommandContext): CommandContext {
  const { context, read } = withDotEnv(given);
  if (read) context.io.stderr.write(describeDotEnv(read));
  return context;
}
