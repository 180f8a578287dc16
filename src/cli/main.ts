/**
 * Entry point of the `revgap` command (bin/revgap.mjs imports this): wires the real process in.
 */
import { runCli } from './run-cli.ts';

// `revgap analyze | head`: the reader left, which is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await runCli(process.argv.slice(2), {
  io: { stdout: process.stdout, stderr: process.stderr, stderrIsTTY: process.stderr.isTTY === true },
  env: process.env,
  cwd: process.cwd(),
  now: new Date(),
});
// exitCode (not exit()) lets stdout drain: a large report piped to a file is never cut short.
process.exitCode = code;
