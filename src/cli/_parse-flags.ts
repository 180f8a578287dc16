/**
 * `node:util` parseArgs with messages a person can act on: an unknown flag names the closest valid
 * one, a flag missing its value says so, and a stray argument is named.
 */
import { parseArgs } from 'node:util';
import { closest } from '../config.ts';
import { InputError } from '../errors.ts';
import type { FlagValues, ParseArgsOptionDescriptor } from './_context.ts';

export interface ParsedFlags {
  values: FlagValues;
  positionals: string[];
}

/** Flags every command accepts. */
export const COMMON_OPTIONS: Record<string, ParseArgsOptionDescriptor> = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
};

/**
 * Parses `argv` for `command` (used in messages).
 * @throws InputError naming the bad flag and the closest valid one.
 */
export function parseFlags(
  command: string,
  argv: readonly string[],
  options: Record<string, ParseArgsOptionDescriptor>,
  positionals: { name: string; min: number; max: number } | undefined,
): ParsedFlags {
  const all = { ...COMMON_OPTIONS, ...options };
  const known = Object.keys(all).map((name) => `--${name}`);
  const helpHint = `run \`revgap ${command} --help\` for the flags`;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, all),
      options: all,
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    const message = (error as Error).message;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      const name = flag.replace(/^-+/, '').split('=')[0] ?? flag;
      const suggestion = closest(`--${name}`, known);
      throw new InputError(
        `unknown flag ${flag.split('=')[0]} for \`revgap ${command}\`${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
        { hint: helpHint },
      );
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      // "Option '-o, --out <value>' argument missing" or "Option '--strict' does not take an argument".
      const name = /--([\w-]+)/.exec(message)?.[1];
      const flag = name ? `--${name}` : undefined;
      const descriptor = name ? all[name] : undefined;
      const what =
        descriptor?.type === 'boolean' ? `${flag} takes no value` : `${flag ?? 'a flag'} needs a value`;
      throw new InputError(`${what} (revgap ${command})`, { hint: helpHint });
    }
    throw new InputError(`revgap ${command}: ${message}`, { hint: helpHint });
  }
  const values = parsed.values as FlagValues;
  const given = parsed.positionals;
  if (!values.help) {
    const max = positionals?.max ?? 0;
    const min = positionals?.min ?? 0;
    if (given.length > max) {
      const stray = given[max]!;
      throw new InputError(
        max === 0
          ? `revgap ${command} takes no arguments, got "${stray}"${stray.startsWith('—') ? ' (a long dash: type two hyphens)' : ''}`
          : `revgap ${command} takes at most ${max} argument${max === 1 ? '' : 's'}, got "${given.join('" "')}" (quote names with spaces)`,
        { hint: helpHint },
      );
    }
    if (given.length < min) {
      throw new InputError(`revgap ${command} needs ${positionals?.name ?? 'an argument'}`, {
        hint: helpHint,
      });
    }
  }
  return { values, positionals: given };
}

/**
 * `--top -3` as `--top=-3`: parseArgs takes a value starting with a dash for a flag and reports
 * "--top needs a value", hiding the real problem (a negative number, which the settings then name).
 */
function joinNegativeValues(
  argv: readonly string[],
  options: Record<string, ParseArgsOptionDescriptor>,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
