/**
 * Coded errors. Expected problems (a bad row, an unknown customer) are values, not exceptions;
 * these are for conditions that stop a command, and carry what the user should do about them.
 */
export type ErrorCode = 'BAD_INPUT' | 'BAD_CONFIG' | 'NOT_FOUND' | 'SLACK_API' | 'STORE' | 'INTERNAL';

export class AppError extends Error {
  readonly code: ErrorCode;
  /** What to do about it, in plain words ("check line 7 of sales.csv", "set REVGAP_CHANNEL"). */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** Bad input data (file missing, not CSV, missing column, bad row in strict mode): exit code 2. */
export class InputError extends AppError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super('BAD_INPUT', message, options);
    this.name = 'InputError';
  }
}

/** Invalid settings; `issues` lists every bad setting at once: exit code 2. */
export class ConfigError extends AppError {
  readonly issues: string[];
  constructor(issues: string[], options: { cause?: unknown; hint?: string } = {}) {
    super('BAD_CONFIG', `Invalid settings:\n${issues.map((i) => `  - ${i}`).join('\n')}`, options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Exit code for an error: 2 for bad input or settings, 1 for anything unexpected. */
export function exitCodeFor(error: unknown): 1 | 2 {
  return error instanceof InputError || error instanceof ConfigError ? 2 : 1;
}
