/**
 * Where a command's result goes: stdout, or a file given with `--out` (written whole, via a
 * temporary file and a rename, so a reader never sees half a report and a failed run leaves none).
 */
import { accessSync, constants, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { resolvePath } from '../config.ts';
import { InputError } from '../errors.ts';
import type { CommandContext } from './_context.ts';

const OUT_HINT = 'check the path, or leave out --out to print to stdout';

function describeWriteError(error: unknown, path: string): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return `the directory ${dirname(path)} does not exist`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to write in ${dirname(path)}`;
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return `${dirname(path)} (or a folder above it) is a file, not a directory`;
    default:
      return (error as Error).message;
  }
}

export function writeFileAtomically(path: string, text: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new InputError(`cannot write ${path}: ${describeWriteError(error, path)}`, {
      cause: error,
      hint: OUT_HINT,
    });
  }
}

/**
 * Checks that `--out` can be written before a long analysis starts, rather than failing after it.
 * @throws InputError naming the problem.
 */
export function checkOutputPath(context: CommandContext): void {
  const out = context.values.out;
  if (typeof out !== 'string') return;
  const path = resolvePath(context.cwd, out);
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    accessSync(dirname(path), constants.W_OK);
  } catch (error) {
    throw new InputError(`cannot write ${path}: ${describeWriteError(error, path)}`, {
      cause: error,
      hint: OUT_HINT,
    });
  }
}

/** Writes `text` to `--out FILE` (saying so on stderr) or to stdout. */
export function writeOutput(context: CommandContext, text: string, what: string): void {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  const out = context.values.out;
  if (typeof out !== 'string') {
    context.io.stdout.write(body);
    return;
  }
  const path = resolvePath(context.cwd, out);
  writeFileAtomically(path, body);
  context.io.stderr.write(`wrote the ${what} to ${path}\n`);
}

/** The output formats of `analyze`, `backtest` and `results` (`md` is accepted for markdown). */
export const OUTPUT_FORMATS = ['markdown', 'json'] as const;

/**
 * `--format`, lower-cased (default markdown), and the settings problem it makes when it is not one of
 * OUTPUT_FORMATS: listed with the other bad settings, not thrown on its own.
 */
export function readOutputFormat(context: CommandContext): { format: string; issues: string[] } {
  const format = ((context.values.format as string | undefined) ?? 'markdown').toLowerCase();
  const known = (OUTPUT_FORMATS as readonly string[]).includes(format) || format === 'md';
  return {
    format,
    issues: known ? [] : [`--format = "${format}": allowed: ${OUTPUT_FORMATS.join(', ')}`],
  };
}
