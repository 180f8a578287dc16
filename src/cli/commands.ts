/**
 * The table of `revgap` commands. Each command lives in its own file `src/cli/<name>.ts` exporting
 * `command: CliCommand`, loaded only when it runs (so `revgap sample` never loads the Slack stack).
 * `serve` and `digest` are listed here already; their files come with the Slack app.
 */
import { fileURLToPath } from 'node:url';
import type { CliCommand } from './_context.ts';

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<CliCommand>;
}

/** Thrown when a listed command's file does not exist yet. */
export class CommandNotAvailableError extends Error {
  constructor(name: string) {
    super(`\`revgap ${name}\` is not available in this build yet`);
    this.name = 'CommandNotAvailableError';
  }
}

/** Imports `./<name>.ts` by URL, so a command file that is not there yet is a runtime error, not a type error. */
async function loadCommandFile(name: string): Promise<CliCommand> {
  const url = new URL(`./${name}.ts`, import.meta.url).href;
  let module: { command?: CliCommand };
  try {
    module = (await import(url)) as { command?: CliCommand };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Only the command file itself being absent means "not available"; a missing import inside it is a bug.
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(fileURLToPath(url))) {
      throw new CommandNotAvailableError(name);
    }
    throw error;
  }
  if (!module.command) throw new Error(`src/cli/${name}.ts does not export \`command\``);
  return module.command;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'analyze',
    summary: 'Analyse sales and print the revenue-gap report (markdown or JSON)',
    load: () => loadCommandFile('analyze'),
  },
  {
    name: 'backtest',
    summary: 'Replay past periods: how often were the flags right? (precision, recall, lift)',
    load: () => loadCommandFile('backtest'),
  },
  {
    name: 'customer',
    summary: 'Deep dive into one customer (by id or part of the name)',
    load: () => loadCommandFile('customer'),
  },
  {
    name: 'sample',
    summary: 'Write realistic sample data (sales.csv, customers.csv) to try revgap on',
    load: () => loadCommandFile('sample'),
  },
  {
    name: 'serve',
    summary: 'Run the Slack app: weekly digest, /revgap deep dives, follow-ups',
    load: () => loadCommandFile('serve'),
  },
  {
    name: 'digest',
    summary: 'Post the weekly digest to Slack now',
    load: () => loadCommandFile('digest'),
  },
  {
    name: 'results',
    summary: 'What followed-up gaps brought back, from the state store (markdown or JSON)',
    load: () => loadCommandFile('results'),
  },
  {
    name: 'help',
    summary: 'Show help for revgap or a command (`revgap help analyze`, `revgap help config`)',
    load: () => loadCommandFile('help'),
  },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}
