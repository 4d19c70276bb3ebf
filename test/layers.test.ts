// The layer rule, checked on every import in src/ (static and dynamic):
//   cli -> commands -> core <- ui;  io and net are used by commands and cli only;
//   core imports neither ink, react nor Node's I/O modules.
// A new import against the grain fails here, naming the file and the import.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const LAYERS = ['cli', 'commands', 'core', 'ui', 'io', 'net'] as const;
type Layer = (typeof LAYERS)[number];

/** Which layers each layer may import from (itself included). */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  cli: ['cli', 'commands', 'core', 'io', 'net', 'ui'],
  commands: ['commands', 'core', 'io', 'net'],
  core: ['core'],
  ui: ['ui', 'core'],
  io: ['io', 'core'],
  net: ['net', 'core'],
};

/** Packages and Node modules a layer may not use at all. */
const FORBIDDEN: Partial<Record<Layer, RegExp>> = {
  // Pure: no terminal UI, no I/O. node:crypto (hashing) is computation, not I/O.
  core: /^(ink|ink-.*|react|react\/.*|node:(?!crypto$).*|fs|net|dgram|tls|http|https|child_process|worker_threads|dns)$/,
  // Views reach the network and disk only through the services the CLI hands them.
  ui: /^(node:(fs|net|dgram|tls|http|https|child_process|dns|dns\/promises|worker_threads)|commander)$/,
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Every module specifier a file imports: import/export ... from, import '...', import('...'). */
function specifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [
    /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g,
    /(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const p of patterns) for (const m of source.matchAll(p)) if (m[1]) out.push(m[1]);
  return out;
}

function layerOf(file: string): Layer | null {
  const top = relative(SRC, file).split(/[\\/]/)[0];
  return (LAYERS as readonly string[]).includes(top ?? '') ? (top as Layer) : null;
}

/** The problems of one file's imports, as "file: imports X (layer a -> b)". */
function violations(file: string, source: string): string[] {
  const from = layerOf(file);
  if (from === null) return [];
  const out: string[] = [];
  for (const spec of specifiers(source)) {
    if (spec.startsWith('.')) {
      const to = layerOf(resolve(dirname(file), spec));
      if (to !== null && !MAY_IMPORT[from].includes(to)) out.push(`${relative(SRC, file)}: imports ${spec} (${from} -> ${to})`);
    } else if (FORBIDDEN[from]?.test(spec)) {
      out.push(`${relative(SRC, file)}: imports ${spec} (${from} may not use it)`);
    }
  }
  return out;
}

describe('the layer rule', () => {
  const all = files(SRC);

  it('every file of src/ is in a layer', () => {
    expect(all.filter((f) => layerOf(f) === null && relative(SRC, f).includes('/')).map((f) => relative(SRC, f))).toEqual([]);
  });

  it('no import goes against the grain', () => {
    expect(all.flatMap((f) => violations(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('the check catches what it must (so it can fail)', () => {
    const core = join(SRC, 'core', 'x.ts');
    const ui = join(SRC, 'ui', 'views', 'X.tsx');
    expect(
      violations(core, "import { render } from 'ink';\nimport fs from 'node:fs';\nimport { a } from '../net/dns.js';\nimport { h } from 'node:crypto';").sort(),
    ).toEqual([
      'core/x.ts: imports ../net/dns.js (core -> net)',
      'core/x.ts: imports ink (core may not use it)',
      'core/x.ts: imports node:fs (core may not use it)',
    ]);
    expect(violations(ui, "const m = await import('../../io/profile-file.js');\nimport net from 'node:net';").sort()).toEqual([
      'ui/views/X.tsx: imports ../../io/profile-file.js (ui -> io)',
      'ui/views/X.tsx: imports node:net (ui may not use it)',
    ]);
  });
});
