/**
 * Bad rows of a small CSV file (customers, stock): every one is counted, the first `maxListed` are
 * kept as `RowProblem`s with file, line and column, so a report names them without holding them all.
 */
import type { RowProblem } from '../../core/types.ts';

export interface RowRejects {
  /** The problems kept (at most `maxListed`). */
  readonly problems: RowProblem[];
  /** Every rejected row, listed or not. */
  readonly count: number;
  reject(line: number, column: string | undefined, code: string, reason: string): void;
}

export function createRowRejects(file: string, maxListed: number): RowRejects {
  const problems: RowProblem[] = [];
  let count = 0;
  return {
    problems,
    get count() {
      return count;
    },
    reject(line, column, code, reason) {
      count++;
      if (problems.length < maxListed) {
        problems.push(
          column === undefined ? { file, line, reason, code } : { file, line, column, reason, code },
        );
      }
    },
  };
}
