/**
 * SIGTERM/SIGINT handling with a hard deadline: run the shutdown steps in order (stop the digest
 * job: finish or abandon the run in progress; close the Slack socket/HTTP server; close the store),
 * each bounded by what is left of the deadline, then exit. Whatever hangs, the process is gone
 * within `deadlineMs` (default 9 s, under the 10 s most orchestrators wait before SIGKILL).
 */
import type { Logger } from '../logger.ts';

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

export interface ShutdownOptions {
  steps: ShutdownStep[];
  logger: Logger;
  deadlineMs?: number;
  /** Default `process.exit`. */
  exit?: (code: number) => void;
  /** Where signals come from; default `process`. */
  source?: Pick<NodeJS.EventEmitter, 'on' | 'removeListener'>;
  signals?: readonly NodeJS.Signals[];
}

/** Runs the steps within the deadline; resolves to the exit code (0: all clean, 1: some failed or timed out). */
export async function runShutdown(
  steps: readonly ShutdownStep[],
  logger: Logger,
  deadlineMs: number,
): Promise<0 | 1> {
  const end = Date.now() + deadlineMs;
  let code: 0 | 1 = 0;
  for (const step of steps) {
    const left = end - Date.now();
    if (left <= 0) {
      logger.error({ step: step.name }, 'shutdown deadline reached; skipping the remaining steps');
      return 1;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), left);
      timer.unref();
    });
    try {
      const outcome = await Promise.race([step.run().then(() => 'done' as const), timeout]);
      if (outcome === 'timeout') {
        logger.error({ step: step.name }, 'shutdown step did not finish in time');
        code = 1;
      } else {
        logger.info({ step: step.name }, 'shutdown step done');
      }
    } catch (error) {
      logger.error({ step: step.name, err: error }, 'shutdown step failed');
      code = 1;
    } finally {
      clearTimeout(timer);
    }
  }
  return code;
}

/** Installs the handlers; returns a function that removes them. A second signal exits at once. */
export function installGracefulShutdown(options: ShutdownOptions): () => void {
  const source = options.source ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const deadlineMs = options.deadlineMs ?? 9000;
  let shuttingDown = false;

  const handler = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      options.logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    shuttingDown = true;
    options.logger.info({ signal, deadlineMs }, 'shutting down');
    // A backstop in case a step blocks the event loop's promise chain entirely.
    const backstop = setTimeout(() => exit(1), deadlineMs + 500);
    backstop.unref();
    void runShutdown(options.steps, options.logger, deadlineMs).then((code) => {
      clearTimeout(backstop);
      options.logger.info({ code }, 'shutdown complete');
      exit(code);
    });
  };
  for (const s of signals) source.on(s, handler);
  return () => {
    for (const s of signals) source.removeListener(s, handler);
  };
}
