/**
 * What every `revgap` command gets: its parsed flags, where to write, and the outside world (env,
 * working directory, clock) passed in rather than read from globals, so commands are testable.
 */
import type { ParseArgsConfig } from 'node:util';

/** One flag, as node:util parseArgs describes it. */
export type ParseArgsOptionDescriptor = NonNullable<ParseArgsConfig['options']>[string];

/** Where a command writes: the report goes to stdout, progress, warnings and errors to stderr. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** True when stderr is a terminal (progress is rewritten in place with \r). */
  stderrIsTTY: boolean;
}

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
  /** Parsed flags by long name (without dashes). */
  values: FlagValues;
  positionals: string[];
  io: CliIo;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  now: Date;
}

/** One `revgap` command; `src/cli/<name>.ts` exports it as `command`. */
export interface CliCommand {
  name: string;
  /** One line for `revgap help`. */
  summary: string;
  /** Full help text for `revgap <name> --help` (usage line, flags, examples). */
  usage: string;
  /** Flags, as `node:util` parseArgs options (`--help` and `--debug` are added for every command). */
  options: Record<string, ParseArgsOptionDescriptor>;
  /** Positional arguments: none unless set (e.g. `revgap customer ID`). */
  positionals?: { name: string; min: number; max: number };
  /** Runs the command; resolves to the exit code. Throw InputError/ConfigError for bad input (exit 2). */
  run(context: CommandContext): Promise<number>;
}
