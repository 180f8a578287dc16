/**
 * The `revgap` dispatcher: picks the command, parses its flags, runs it, and turns failures into
 * one clear message and an exit code (0 done, 2 bad input or settings, 1 unexpected).
 */
import { readFileSync } from 'node:fs';
import { closest } from '../config.ts';
import { AppError, ConfigError, exitCodeFor } from '../errors.ts';
import { terminalSafe } from '../render/format.ts';
import type { CliIo, CommandContext } from './_context.ts';
import { parseFlags } from './_parse-flags.ts';
import { COMMANDS, findCommand } from './commands.ts';

export const ISSUES_URL = 'https://github.com/revgap/revgap/issues';

export interface RunCliOptions {
  io: CliIo;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  now: Date;
}

export function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** `revgap help` with no command. */
export function renderMainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'revgap: find customers whose revenue is slipping, and rank the gaps.',
    '',
    'Usage: revgap <command> [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Try it:  revgap analyze                  (bundled sample data)',
    '         revgap sample --out demo && revgap analyze --sales demo/sales.csv --customers demo/customers.csv',
    '',
    'Flags for every command: --help (-h), --debug (stack traces). `revgap --version` prints the version.',
    'Settings: `revgap help config` lists every setting with its env var and flag.',
    '',
  ].join('\n');
}

/** Formats an error for stderr: one message (with its hint), plus the stack for unexpected ones. */
export function formatError(error: unknown, debug: boolean): string {
  // Any coded AppError (bad input or config, a busy or unreachable store, a Slack refusal) is a
  // situation with a message and a fix, not a bug: only INTERNAL and uncoded errors ask for a report.
  if (error instanceof AppError && error.code !== 'INTERNAL') {
    const body = error instanceof ConfigError ? error.message : `revgap: ${error.message}`;
    // Some sources already end their message with the fix; do not say it twice.
    const hint = error.hint && !error.message.includes(error.hint) ? `\n${error.hint}` : '';
    return `${body}${hint}\n${debug && error.stack ? `${error.stack}\n` : ''}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = [
    `revgap: unexpected error: ${message}`,
    `This is a bug in revgap; please report it at ${ISSUES_URL} with the command you ran${
      debug ? ' and the stack trace below.' : ' (add --debug to see the stack trace).'
    }`,
  ];
  if (debug && error instanceof Error && error.stack) lines.push(error.stack);
  return `${lines.join('\n')}\n`;
}

/** Runs `revgap` with `argv` (without `node` and the script path); resolves to the exit code. */
export async function runCli(argv: readonly string[], rawOptions: RunCliOptions): Promise<number> {
  // Everything written goes through terminalSafe: names, values and headers from the files are
  // untrusted text (ESC and OSC sequences, carriage returns, bidi overrides).
  const raw = rawOptions.io;
  const io: CliIo = {
    ...raw,
    stdout: { write: (text: string) => raw.stdout.write(terminalSafe(text)) },
    stderr: { write: (text: string) => raw.stderr.write(terminalSafe(text)) },
  };
  const options: RunCliOptions = { ...rawOptions, io };
  const debug = argv.includes('--debug');
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h') {
      io.stdout.write(renderMainHelp());
      return first === undefined ? 2 : 0;
    }
    if (first === '--version' || first === '-v' || first === 'version') {
      io.stdout.write(`revgap ${readVersion()}\n`);
      return 0;
    }
    const entry = findCommand(first);
    if (!entry) {
      const suggestion = closest(
        first,
        COMMANDS.map((c) => c.name),
      );
      io.stderr.write(
        `revgap: unknown command "${first}"${suggestion ? ` (did you mean \`revgap ${suggestion}\`?)` : ''}\nRun \`revgap help\` for the list of commands.\n`,
      );
      return 2;
    }
    const command = await entry.load();
    const { values, positionals } = parseFlags(command.name, rest, command.options, command.positionals);
    if (values.help) {
      io.stdout.write(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
      return 0;
    }
    const context: CommandContext = {
      values,
      positionals,
      io,
      env: options.env,
      cwd: options.cwd,
      now: options.now,
    };
    return await command.run(context);
  } catch (error) {
    io.stderr.write(formatError(error, debug));
    return exitCodeFor(error);
  }
}
