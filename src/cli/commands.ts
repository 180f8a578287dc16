/**
 * The table of `revgap` commands. Each command lives in its own file `src/cli/<name>.ts` exporting
 * `command: CliCommand`, loaded only when it runs (so `revgap sample` never loads the Slack stack).
 */
import type { CliCommand } from './_context.ts';

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<CliCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'analyze',
    summary: 'Analyse sales and print the revenue-gap report (markdown or JSON)',
    load: async () => (await import('./analyze.ts')).command,
  },
  {
    name: 'backtest',
    summary: 'Replay past periods: how often were the flags right? (precision, recall, lift)',
    load: async () => (await import('./backtest.ts')).command,
  },
  {
    name: 'customer',
    summary: 'Deep dive into one customer (by id or part of the name)',
    load: async () => (await import('./customer.ts')).command,
  },
  {
    name: 'sample',
    summary: 'Write realistic sample data (sales.csv, customers.csv) to try revgap on',
    load: async () => (await import('./sample.ts')).command,
  },
  {
    name: 'serve',
    summary: 'Run the Slack app: weekly digest, /revgap deep dives, follow-ups',
    load: async () => (await import('./serve.ts')).command,
  },
  {
    name: 'digest',
    summary: 'Post the weekly digest to Slack now',
    load: async () => (await import('./digest.ts')).command,
  },
  {
    name: 'results',
    summary: 'What followed-up gaps brought back, from the state store (markdown or JSON)',
    load: async () => (await import('./results.ts')).command,
  },
  {
    name: 'help',
    summary: 'Show help for revgap or a command (`revgap help analyze`, `revgap help config`)',
    load: async () => (await import('./help.ts')).command,
  },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}
