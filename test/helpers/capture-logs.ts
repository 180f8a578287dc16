/**
 * A pino logger (built by `createLogger`, so with the real redaction) that writes into an array,
 * for asserting what was logged and that no secret was.
 */
import { createLogger, type Logger } from '../../src/logger.ts';

export interface CapturedLogs {
  logger: Logger;
  /** Raw serialized lines, exactly as they would reach stdout. */
  lines: string[];
  /** Parsed lines. */
  records(): Record<string, unknown>[];
  /** Every line joined: handy for `expect(logs.text()).not.toContain(secret)`. */
  text(): string;
  /** Parsed lines whose `msg` contains `fragment`. */
  find(fragment: string): Record<string, unknown>[];
}

export function captureLogs(options: { level?: string; secrets?: readonly string[] } = {}): CapturedLogs {
  const lines: string[] = [];
  const logger = createLogger({
    level: options.level ?? 'trace',
    secrets: options.secrets ?? [],
    destination: { write: (line: string) => void lines.push(line) },
  });
  const records = (): Record<string, unknown>[] => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    logger,
    lines,
    records,
    text: () => lines.join(''),
    find: (fragment) => records().filter((r) => typeof r.msg === 'string' && r.msg.includes(fragment)),
  };
}
