/**
 * SIGTERM/SIGINT with a hard deadline, through close-with-grace: `close` runs once (stop the digest
 * job: finish or abandon the run in progress; close the Slack socket/HTTP server; close the store),
 * then the process exits: 0 when it finished, 1 when it failed or ran past `deadlineMs` (default
 * 9 s, under the 10 s most orchestrators wait before SIGKILL). A second signal exits at once.
 * Uncaught errors are left to Node (a crash with its stack), as before.
 */
import closeWithGrace from 'close-with-grace';
import type { Logger } from '../logger.ts';

export interface CloseOnSignalOptions {
  logger: Logger;
  close: () => Promise<void>;
  /** Runs (synchronously) when the deadline passes, just before the process exits. */
  onTimeout?: () => void;
  deadlineMs?: number;
}

export function closeOnSignal(options: CloseOnSignalOptions): { uninstall(): void } {
  const deadlineMs = options.deadlineMs ?? 9000;
  const { logger } = options;
  return closeWithGrace(
    {
      delay: deadlineMs,
      // Only the stop signals; errors and a normal exit are not a shutdown.
      skip: ['uncaughtException', 'unhandledRejection', 'beforeExit', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'],
      logger: { error: (err: unknown) => logger.error({ err }, 'shutdown failed') },
      onSecondSignal: (signal) => logger.warn({ signal }, 'second signal: exiting now'),
      onTimeout: () => {
        logger.error({ deadlineMs }, 'shutdown did not finish in time; exiting');
        options.onTimeout?.();
      },
    },
    async ({ signal }) => {
      logger.info({ signal, deadlineMs }, 'shutting down');
      await options.close();
      logger.info('shutdown complete');
    },
  );
}
