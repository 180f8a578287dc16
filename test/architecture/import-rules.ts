/**
 * The import rules of docs/ARCHITECTURE.md ("Layers"), as code: parses every import of src/**
 * (static, `export ... from`, dynamic `import('...')`) with the TypeScript parser and names each
 * import that breaks a rule. Used by import-rules.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export type Layer =
  | 'core'
  | 'render'
  | 'use-cases'
  | 'sources'
  | 'store'
  | 'slack'
  | 'scheduler'
  | 'cli'
  | 'dev'
  | 'control'
  | 'main'
  | 'shared';

/** Adapters and shells at the edge: none of them imports another (see the exceptions below). */
export const ADAPTERS: readonly Layer[] = ['sources', 'store', 'slack', 'scheduler', 'cli', 'dev', 'control'];

/**
 * Port modules: the interfaces an adapter implements and the other layers depend on. Another
 * adapter may import them, type-only (an interface, never the implementation): the listed files and
 * the store's `<name>-store.ts` port files (PORT_PATTERN; one per narrow store port).
 */
export const PORT_PATTERN = /^src\/store\/[a-z-]+-store\.ts$/;
export const PORT_MODULES: readonly string[] = [
  'src/store/state-store.ts',
  'src/store/recovery-store.ts',
  'src/store/holdout-store.ts',
  'src/sources/sales-source.ts',
];

/** Packages with no I/O that core and render may use. */
export const PURE_PACKAGES: readonly string[] = ['zod', 'fastest-levenshtein'];

/**
 * Documented exceptions to "adapters do not import each other" (`from` and `to` are a file, or a
 * directory ending in /), each with why. The CLI is a shell: it opens the configured sales source
 * through the sources' one factory (open-sources.ts), and names, writes and demos the bundled sample;
 * `revgap serve` without tokens starts the local demo Slack (src/dev).
 */
export const ADAPTER_EXCEPTIONS: ReadonlyArray<{ from: string; to: string; why: string }> = [
  {
    from: 'src/cli/',
    to: 'src/control/',
    why: '`revgap serve` opens the local control endpoint; `revgap digest` asks a running bot through it',
  },
  {
    from: 'src/control/control-client.ts',
    to: 'src/store/data-dir-lock.ts',
    why: 'the data directory owner file names the running bot',
  },
  { from: 'src/cli/', to: 'src/sources/open-sources.ts', why: 'the CLI opens the configured sales source' },
  {
    from: 'src/cli/',
    to: 'src/sources/sample/',
    why: 'the bundled sample: `revgap sample`, notes, demo people',
  },
  {
    from: 'src/cli/results.ts',
    to: 'src/store/create-state-store.ts',
    why: '`revgap results` reads the follow-up results from the configured store (no bot, no Slack)',
  },
  {
    from: 'src/cli/serve.ts',
    to: 'src/dev/',
    why: '`revgap serve` without tokens starts the local demo Slack',
  },
];

export interface ImportRecord {
  /** Importing file, relative to the repository root (`src/use-cases/x.ts`). */
  file: string;
  /** The specifier as written. */
  specifier: string;
  /** Repository-relative path for relative imports; the package name otherwise. */
  target: string;
  kind: 'file' | 'builtin' | 'package';
  typeOnly: boolean;
  /** A dynamic `import('...')`: loaded when the code runs there, not with the module. */
  dynamic?: boolean;
  line: number;
}

export interface Violation {
  rule: string;
  record: ImportRecord;
}

export const RULES = {
  'core-pure':
    'src/core is pure: it imports only src/core, src/errors.ts and pure packages (zod, fastest-levenshtein); no adapter, shell, node: module or logger',
  'render-pure':
    'src/render is pure: it imports only src/core, src/render, src/errors.ts, pure packages and Block Kit types (import type from @slack/*); no adapter, shell, node: module or logger',
  'use-cases-transport-neutral':
    'src/use-cases is transport-neutral: no @slack/*, src/slack, src/scheduler, src/cli, src/dev or src/main.ts; return values, the adapters deliver them',
  'adapters-apart':
    'adapters (src/sources, src/store, src/slack, src/scheduler, src/cli, src/dev, src/control) do not import each other, except type-only imports of a port module (PORT_MODULES) and ADAPTER_EXCEPTIONS',
  'composition-root':
    'src/main.ts is the composition root: only src/cli may import it (nothing steps back into main.ts)',
  'private-module':
    'a _-prefixed module is private to its directory: only files in that directory (or below) import it',
} as const;

export type RuleName = keyof typeof RULES;

export function layerOf(path: string): Layer {
  const [, top] = path.split('/');
  if (path === 'src/main.ts') return 'main';
  if (top === undefined || top.endsWith('.ts')) return 'shared';
  if (
    [
      'core',
      'render',
      'use-cases',
      'sources',
      'store',
      'slack',
      'scheduler',
      'cli',
      'dev',
      'control',
    ].includes(top)
  ) {
    return top as Layer;
  }
  return 'shared';
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return (
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

/** The imports of one source file (path relative to the repository root). */
export function parseImports(file: string, text: string): ImportRecord[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const records: ImportRecord[] = [];
  const add = (specifier: string, node: ts.Node, typeOnly: boolean, dynamic = false) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    const how = dynamic ? { dynamic } : {};
    if (specifier.startsWith('.')) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      records.push({ file, specifier, target, kind: 'file', typeOnly, ...how, line });
      return;
    }
    const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
    const builtin = specifier.startsWith('node:') || builtinModules.includes(bare.split('/')[0] ?? '');
    const name = builtin
      ? `node:${bare}`
      : specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : (specifier.split('/')[0] ?? specifier);
    records.push({
      file,
      specifier,
      target: name,
      kind: builtin ? 'builtin' : 'package',
      typeOnly,
      ...how,
      line,
    });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node, isTypeOnlyImport(node));
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node.arguments[0].text, node, false, true);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)) {
        add(argument.literal.text, node, true);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return records;
}

const isUnder = (path: string, dir: string): boolean => path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/** The rules one import breaks (usually none, at most a few). */
export function checkImport(record: ImportRecord): RuleName[] {
  const from = layerOf(record.file);
  const broken: RuleName[] = [];
  const to = record.kind === 'file' ? layerOf(record.target) : null;

  if (from === 'core' || from === 'render') {
    let allowed: boolean;
    if (record.kind === 'file') {
      allowed = to === 'core' || record.target === 'src/errors.ts' || (from === 'render' && to === 'render');
    } else if (record.kind === 'builtin') {
      allowed = false;
    } else {
      allowed =
        PURE_PACKAGES.includes(record.target) ||
        (from === 'render' && record.typeOnly && record.target.startsWith('@slack/'));
    }
    if (!allowed) broken.push(from === 'core' ? 'core-pure' : 'render-pure');
  }

  if (from === 'use-cases') {
    const slackPackage = record.kind === 'package' && record.target.startsWith('@slack/');
    const shell = to === 'slack' || to === 'scheduler' || to === 'cli' || to === 'dev' || to === 'main';
    if (slackPackage || shell) broken.push('use-cases-transport-neutral');
  }

  if (ADAPTERS.includes(from) && to !== null && ADAPTERS.includes(to) && to !== from) {
    const port =
      (PORT_MODULES.includes(record.target) || PORT_PATTERN.test(record.target)) && record.typeOnly;
    const matches = (path: string, pattern: string) =>
      pattern.endsWith('/') ? isUnder(path, pattern) : path === pattern;
    const excepted = ADAPTER_EXCEPTIONS.some(
      (e) => matches(record.file, e.from) && matches(record.target, e.to),
    );
    if (!port && !excepted) broken.push('adapters-apart');
  }

  if (to === 'main' && from !== 'cli') broken.push('composition-root');

  if (record.kind === 'file') {
    const base = posix.basename(record.target);
    if (base.startsWith('_') && !isUnder(record.file, posix.dirname(record.target))) {
      broken.push('private-module');
    }
  }
  return broken;
}

export function formatViolation(v: Violation): string {
  const typeWord = v.record.typeOnly ? 'import type' : 'import';
  return `${v.record.file}:${v.record.line} ${typeWord} '${v.record.specifier}' (${v.record.target}) breaks rule ${v.rule}: ${RULES[v.rule as RuleName]}`;
}

/** Every .ts file under `dir`, repository-relative. */
export function listSources(root: string, dir = 'src'): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(join(root, current), { withFileTypes: true })) {
      const path = posix.join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(path);
    }
  };
  walk(dir);
  return files.sort();
}

/** Every import of src/** that breaks a rule. */
export function findViolations(root: string): Violation[] {
  const violations: Violation[] = [];
  for (const file of listSources(root)) {
    for (const record of parseImports(file, readFileSync(join(root, file), 'utf8'))) {
      for (const rule of checkImport(record)) violations.push({ rule, record });
    }
  }
  return violations;
}

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The packages a module loads with itself: its static, non-type imports and theirs, through src/
 * (dynamic imports and `createRequire` load later, when the code runs there).
 */
export function packagesLoadedWith(root: string, entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(root, file), 'utf8');
    for (const record of parseImports(file, text)) {
      if (record.typeOnly || record.dynamic) continue;
      if (record.kind === 'package') packages.add(record.target);
      else if (record.kind === 'file') visit(record.target);
    }
  };
  visit(entry);
  return packages;
}
