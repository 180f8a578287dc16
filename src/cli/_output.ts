/**
 * Where a command's result goes: stdout, or a file given with `--out` (written whole, via a
 * temporary file and a rename, so a reader never sees half a report and a failed run leaves none).
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolvePath } from '../config.ts';
import { InputError } from '../errors.ts';
import type { CommandContext } from './_context.ts';

export function writeFileAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new InputError(`cannot write ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: 'check that the directory exists and is writable, or leave out --out to print to stdout',
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
