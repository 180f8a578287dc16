/**
 * Rows of a small CSV file (customers, stock): bad ones are all counted, the first `maxListed` kept as
 * `RowProblem`s with file, line and column, so a report names them without holding them all; and the
 * two checks both readers make of every record (its field count, a field's trimmed text).
 */
import type { RowProblem } from '../../core/types.ts';
import { type CsvRecord, fieldText } from './tokenize-csv.ts';

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

/** The field at `col`, trimmed; undefined when the record has no such field or it is blank. */
export function trimmedField(record: CsvRecord, col: number): string | undefined {
  if (col < 0 || col >= record.count) return undefined;
  const value = fieldText(record, col).trim();
  return value === '' ? undefined : value;
}

/** Rejects a record whose field count is not the header's; true when it was rejected. */
export function rejectColumnCount(record: CsvRecord, headerCount: number, rejects: RowRejects): boolean {
  if (record.count === headerCount) return false;
  rejects.reject(
    record.line,
    undefined,
    'column_count',
    `expected ${headerCount} fields as in the header, found ${record.count}`,
  );
  return true;
}
