// What each command loads at start (the built dist/cli/main.js, with a module hook that
// records every module Node loads): ink and react only for the app, handlebars only for
// render, the profile validator (zod) only for --profile, the DNS stub only where the check
// or --resolve asks a resolver, the PAC sandbox only with --pac. Start-up time is module
// loading; the benchmark (test/bench/startup.bench-run.ts) measures it.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';
import { tempDirs } from './helpers/tmp.js';

const temp = tempDirs('ee-startup-');

const HOOK = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(
  "import { appendFileSync } from 'node:fs';" +
  "export async function load(url, context, next) { appendFileSync(process.env.EE_LOADED, url + '\\\\n'); return next(url, context); }"
));
`)}`;

// The hook sees what is imported, and the first CommonJS file of a package, not what that
// file requires in turn: at exit, Node's CommonJS cache names those.
const CJS_AT_EXIT = `process.on('exit', () => require('node:fs').appendFileSync(process.env.EE_LOADED, Object.keys(require.cache).join('\\n') + '\\n'));`;

/** The packages (node_modules/<name>) a run of the CLI loaded, the files of them, and its result. */
function loaded(args: readonly string[]): { packages: Set<string>; files: string[]; code: number; stderr: string } {
  const dir = temp();
  const list = join(dir, 'loaded');
  const atExit = join(dir, 'at-exit.cjs');
  writeFileSync(list, '');
  writeFileSync(atExit, CJS_AT_EXIT);
  const r = spawnSync(process.execPath, ['--import', HOOK, '--require', atExit, BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, EE_LOADED: list, NO_COLOR: '1' },
  });
  const files = [
    ...new Set(
      readFileSync(list, 'utf8')
        .split('\n')
        .flatMap((f) => /\/node_modules\/(.+)$/.exec(f)?.[1] ?? []),
    ),
  ];
  const packages = new Set(files.flatMap((f) => /^((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1] ?? []));
  return { packages, files, code: r.status ?? -1, stderr: r.stderr };
}

const HEAVY = ['zod', 'handlebars', 'ink', 'react', 'yoga-layout', 'dns-packet', 'quickjs-wasi', 'pac-resolver', 'prom-client'];

describe('start-up loads what the command uses', () => {
  it.each([[['--version']], [['agents']], [['plan', '--agents', 'all', '--cca-activation']], [['plan', '--agents', 'nope']]])(
    '%j loads none of the heavy packages',
    (args) => {
      const run = loaded(args);
      expect(run.packages.has('commander')).toBe(true);
      expect(HEAVY.filter((p) => run.packages.has(p))).toEqual([]);
    },
  );

  it('render loads handlebars, and not the app, the validators, the DNS stub or the sandbox', () => {
    const run = loaded(['render', '--agents', 'all', '--target', 'pfsense']);
    expect(run.code).toBe(0);
    expect(HEAVY.filter((p) => run.packages.has(p))).toEqual(['handlebars']);
  });

  it("render runs the build's compiled templates on handlebars' runtime: its compiler stays unloaded", () => {
    const run = loaded(['render', '--agents', 'all', '--target', 'pfsense']);
    expect(run.code, run.stderr).toBe(0);
    const handlebars = run.files.filter((f) => f.startsWith('handlebars/'));
    expect(handlebars).toContain('handlebars/dist/cjs/handlebars.runtime.js');
    expect(handlebars.filter((f) => /compiler|lib\/index\.js|dist\/cjs\/handlebars\.js$/.test(f))).toEqual([]);
  });

  it('--profile loads the profile validator (zod)', () => {
    const profile = join(temp(), 'site.json');
    writeFileSync(profile, JSON.stringify({ format: 'emaint-egress-profile', version: 1, agents: ['cca'] }));
    const run = loaded(['plan', '--profile', profile]);
    expect(run.code).toBe(0);
    expect(HEAVY.filter((p) => run.packages.has(p))).toEqual(['zod']);
  });

  it('check loads the DNS stub, and the PAC sandbox only with --pac', () => {
    // The resolver is a closed port on loopback: no flow gets further than DNS.
    const args = ['check', '--agents', 'cca', '--dns-server', '127.0.0.1:9', '--timeout', '300', '--json'];
    const plain = loaded(args);
    expect(plain.code).toBe(1);
    expect(HEAVY.filter((p) => plain.packages.has(p))).toEqual(['dns-packet']);
    const pac = join(temp(), 'site.pac');
    writeFileSync(pac, 'function FindProxyForURL(url, host) { return "DIRECT"; }\n');
    // The hook slows the sandbox's start: a timeout it can load the file within.
    const withPac = loaded([...args.slice(0, -3), '--timeout', '5000', '--json', '--pac', pac]);
    expect(withPac.code, withPac.stderr).toBe(1);
    expect(withPac.packages.has('quickjs-wasi')).toBe(true);
  });
});
