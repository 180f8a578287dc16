/**
 * A progress line on stderr while a large file is read: rewritten in place (\r) on a terminal,
 * otherwise one line per 10% so logs and CI output stay short.
 */
import type { CliIo } from './_context.ts';

/** Files smaller than this are read without a progress line. */
export const PROGRESS_MIN_BYTES = 5 * 1024 * 1024;

export interface ProgressReporter {
  update(bytesRead: number, totalBytes: number): void;
  /** Ends the progress line (clears it on a terminal). */
  done(): void;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(0)} MB`;
}

export function createProgressReporter(io: CliIo, label: string): ProgressReporter {
  // Nothing at 0%: the first line comes with the first tenth (or percent) actually read.
  let lastShown = 0;
  let shownAny = false;
  return {
    update(bytesRead, totalBytes) {
      if (totalBytes <= 0) return;
      const percent = Math.min(100, Math.floor((bytesRead / totalBytes) * 100));
      const step = io.stderrIsTTY ? 1 : 10;
      const bucket = Math.floor(percent / step) * step;
      if (bucket <= lastShown) return;
      lastShown = bucket;
      shownAny = true;
      const line = `reading ${label}: ${bucket}% (${megabytes(bytesRead)} of ${megabytes(totalBytes)})`;
      io.stderr.write(io.stderrIsTTY ? `\r${line}\u001b[K` : `${line}\n`);
    },
    done() {
      if (shownAny && io.stderrIsTTY) io.stderr.write('\r\u001b[K');
    },
  };
}
