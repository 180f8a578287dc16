/**
 * The layering of docs/ARCHITECTURE.md, checked on every import of src/** (see import-rules.ts for
 * the rules). A failure names the file and line, the import, and the rule it breaks.
 */
import { describe, expect, it } from 'vitest';
import {
  checkImport,
  findViolations,
  formatViolation,
  packagesLoadedWith,
  parseImports,
  REPO_ROOT,
  type Violation,
} from './import-rules.ts';

/** What a file would break, as the failure text. */
function planted(file: string, text: string): string[] {
  return parseImports(file, text).flatMap((record) =>
    checkImport(record).map((rule) => formatViolation({ rule, record } satisfies Violation)),
  );
}

describe('import rules (docs/ARCHITECTURE.md, Layers)', () => {
  it('every import in src/ follows the rules', () => {
    const found = findViolations(REPO_ROOT).map(formatViolation);
    expect(found, found.join('\n')).toEqual([]);
  });
});

describe('start-up', () => {
  // Each of these cost every run's start-up its loading (pg ~85 ms with the fetch machinery it
  // touches, yaml ~40 ms, csv-parse ~10 ms in each read thread): a CSV analysis needs none of them.
  it('`revgap analyze` and the CSV read threads load no database driver, YAML parser, reference CSV parser or Slack', () => {
    const heavy = (entry: string) =>
      [...packagesLoadedWith(REPO_ROOT, entry)].filter((p) =>
        /^(pg|pg-copy-streams|yaml|csv-parse|@electric-sql\/pglite|@slack\/.*)$/.test(p),
      );
    expect(heavy('src/cli/analyze.ts')).toEqual([]);
    expect(heavy('src/sources/csv/_sales-ledger-worker.ts')).toEqual([]);
    expect(heavy('src/sources/csv/_sales-rows-worker.ts')).toEqual([]);
  });

  it('follows static imports through src/ and leaves type-only and dynamic ones out', () => {
    // The sources' factory does load the Postgres source's module, which names pg only as a type.
    expect([...packagesLoadedWith(REPO_ROOT, 'src/sources/open-sources.ts')]).toContain('zod');
    expect(parseImports('src/x.ts', "const m = await import('pg');")[0]?.dynamic).toBe(true);
    expect(packagesLoadedWith(REPO_ROOT, 'src/store/pglite-store.ts').has('@electric-sql/pglite')).toBe(true);
  });
});

describe('the import-rule checker', () => {
  it('names the file, the import and the rule for a planted wrong import', () => {
    expect(planted('src/core/x.ts', "import { readFileSync } from 'node:fs';\n")).toEqual([
      "src/core/x.ts:1 import 'node:fs' (node:fs) breaks rule core-pure: src/core is pure: it imports only src/core, src/errors.ts and pure packages (zod, fastest-levenshtein); no adapter, shell, node: module or logger",
    ]);
  });

  it('catches each rule, static, re-exported and dynamic imports alike', () => {
    const rulesOf = (file: string, text: string) =>
      planted(file, text).map((m) => m.split(' breaks rule ')[1]?.split(':')[0]);
    expect(rulesOf('src/render/a.ts', "import { createLogger } from '../logger.ts';")).toEqual([
      'render-pure',
    ]);
    expect(rulesOf('src/render/a.ts', "import pino from 'pino';")).toEqual(['render-pure']);
    expect(rulesOf('src/render/slack/a.ts', "import { App } from '@slack/bolt';")).toEqual(['render-pure']);
    expect(rulesOf('src/render/slack/a.ts', "import type { types } from '@slack/bolt';")).toEqual([]);
    expect(rulesOf('src/core/a.ts', "export { x } from '../store/state-store.ts';")).toEqual(['core-pure']);
    expect(
      rulesOf('src/use-cases/a.ts', "import type { SlackClient } from '../slack/slack-client.ts';"),
    ).toEqual(['use-cases-transport-neutral']);
    expect(rulesOf('src/use-cases/a.ts', "const m = await import('@slack/web-api');")).toEqual([
      'use-cases-transport-neutral',
    ]);
    expect(
      rulesOf('src/use-cases/a.ts', "import type { AnalysisSnapshot } from '../store/state-store.ts';"),
    ).toEqual([]);
    expect(
      rulesOf('src/slack/a.ts', "import { createPgliteStore } from '../store/pglite-store.ts';"),
    ).toEqual(['adapters-apart']);
    expect(rulesOf('src/slack/a.ts', "import type { StateStore } from '../store/state-store.ts';")).toEqual(
      [],
    );
    expect(
      rulesOf('src/scheduler/a.ts', "import { createStateStore } from '../store/state-store.ts';"),
    ).toEqual(['adapters-apart']);
    expect(rulesOf('src/slack/a.ts', "import { startRevgap } from '../main.ts';")).toEqual([
      'composition-root',
    ]);
    expect(rulesOf('src/cli/a.ts', "import { startRevgap } from '../main.ts';")).toEqual([]);
    expect(rulesOf('src/use-cases/a.ts', "import type { X } from '../render/slack/_blocks.ts';")).toEqual([
      'private-module',
    ]);
    expect(rulesOf('src/render/slack/a.ts', "import { facts } from '../_customer-facts.ts';")).toEqual([]);
  });
});
