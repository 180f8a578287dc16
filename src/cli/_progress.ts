/**
 * A progress line on stderr while a large file is read: rewritten in place (\r) on a terminal,
 * otherwise one line per 10% so logs and CI output stay short. Then, for many customers, one for
 * the evidence and the analysis after the read (`createStageReporter`).
 */
import type { AnalysisStage } from '../use-cases/run-analysis.ts';
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
      // Once: the caller ends it when the next stage starts and again when the run ends.
      if (shownAny && io.stderrIsTTY) io.stderr.write('\r\u001b[K');
      shownAny = false;
    },
  };
}

/** From this many customers the work after the read gets a progress line (~1 s and more). */
export const STAGE_MIN_CUSTOMERS = 50_000;

/**
 * The progress line after the read (`runAnalysis`'s `onStage`): the evidence's replay points, then
 * the analysis. On a terminal one line rewritten in place and cleared at the end; otherwise a line
 * per stage (the evidence's when it starts), so logs stay short.
 */
export function createStageReporter(
  io: CliIo,
  period: 'week' | 'month',
): {
  onStage(stage: AnalysisStage): void;
  done(): void;
} {
  let shown: string | null = null;
  const show = (line: string): void => {
    if (io.stderrIsTTY) io.stderr.write(`\r${line}\u001b[K`);
    else io.stderr.write(`${line}\n`);
    shown = line;
  };
  return {
    onStage(stage) {
      if (stage.customers < STAGE_MIN_CUSTOMERS) return;
      const customers = stage.customers.toLocaleString('en-US');
      if (stage.stage === 'analysis') {
        show(`analysing ${customers} customers`);
      } else if (stage.pointsDone === 0) {
        show(`evidence: replaying the rules at past ${period}s for ${customers} customers`);
      } else if (io.stderrIsTTY && stage.points !== null) {
        show(
          `evidence: ${stage.pointsDone} of ${stage.points} past ${period}s replayed (${customers} customers)`,
        );
      }
    },
    done() {
      if (shown !== null && io.stderrIsTTY) io.stderr.write('\r\u001b[K');
    },
  };
}
