/**
 * Runs the `revgap` CLI in-process with captured output, as the CLI tests need it: the working
 * directory, environment and clock are passed in (nothing is read from this process).
 */
import { runCli } from '../../src/cli/run-cli.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliCaptured(
  argv: readonly string[],
  options: { cwd: string; now: Date; env?: Readonly<Record<string, string | undefined>> },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...argv], {
    io: {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      stderrIsTTY: false,
    },
    env: options.env ?? {},
    cwd: options.cwd,
    now: options.now,
  });
  return { code, stdout, stderr };
}
