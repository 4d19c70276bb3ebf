// Start-up: `--version`, `plan --agents all` and `render` (pfSense, and ASA's larger file) against `node -e 0` on the same
// machine, for the npm package (its bundle, dist/bundle/emaint-egress.mjs, which the global
// install links onto the PATH), the single executable, and the clone's tsc build (npm start).
// Wall time of the whole process, RUNS runs of each, interleaved so that a busy moment of the
// machine hits all alike; the median, and its ratio to node -e 0. Also the CPU time (user +
// system, from bash's `times` after the run), which other jobs on the machine disturb less.
// Builds what it measures.
//   npm run bench
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUNS = 21;
const EXECUTABLE = join(ROOT, 'dist', `emaint-egress-${process.platform}-${process.arch}`);

const COMMANDS: Record<string, string[]> = {
  '--version': ['--version'],
  'plan --agents all': ['plan', '--agents', 'all'],
  'render (pfsense)': ['render', '--agents', 'all', '--target', 'pfsense'],
  // The largest single-file output and templates of all targets.
  'render (asa)': ['render', '--agents', 'all', '--target', 'asa'],
};
const FORMS: Record<string, string[]> = {
  'npm package': [process.execPath, join(ROOT, 'dist/bundle/emaint-egress.mjs')],
  'single executable': [EXECUTABLE],
  'clone (tsc)': [process.execPath, join(ROOT, 'dist/cli/main.js')],
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** CPU milliseconds (user + system) of one run, as bash's `times` counts its children. */
function cpuOnce(argv: readonly string[]): number {
  const q = (x: string) => `'${x.replaceAll("'", "'\\''")}'`;
  const r = spawnSync('bash', ['-c', `${argv.map(q).join(' ')} >/dev/null 2>&1; times`], { encoding: 'utf8' });
  const children = r.stdout.trim().split('\n')[1] ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return (seconds.reduce((a, b) => a + b, 0) || Number.NaN) * 1000;
}

function once(argv: readonly string[]): number {
  const [cmd, ...args] = argv as [string, ...string[]];
  const started = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

describe('start-up against node -e 0', () => {
  beforeAll(() => {
    execFileSync('node', ['.ci/build/bundle.mjs', 'npm'], { cwd: ROOT, stdio: 'inherit' });
    execFileSync('node', ['.ci/build/package.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }, 300_000);

  it('prints the medians and ratios', () => {
    const runs = new Map<string, number[]>();
    const cpu = new Map<string, number[]>();
    const all: [string, string[]][] = [['node -e 0', [process.execPath, '-e', '0']]];
    for (const [form, prefix] of Object.entries(FORMS))
      for (const [name, args] of Object.entries(COMMANDS)) all.push([`${form}: ${name}`, [...prefix, ...args]]);
    for (const [, argv] of all) once(argv); // warm the file cache
    for (let i = 0; i < RUNS; i++) {
      for (const [key, argv] of all) {
        runs.set(key, [...(runs.get(key) ?? []), once(argv)]);
        cpu.set(key, [...(cpu.get(key) ?? []), cpuOnce(argv)]);
      }
    }
    const base = median(runs.get('node -e 0') ?? []);
    const cpuBase = median(cpu.get('node -e 0') ?? []);
    const lines = [`${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${RUNS} runs each, median wall time`, ''];
    lines.push(
      '| form | command | wall, median | x node -e 0 | CPU, median | x node -e 0 |',
      '|---|---|---|---|---|---|',
      `| | node -e 0 | ${base.toFixed(0)} ms | 1.00 | ${cpuBase.toFixed(0)} ms | 1.00 |`,
    );
    for (const [form] of Object.entries(FORMS)) {
      for (const name of Object.keys(COMMANDS)) {
        const m = median(runs.get(`${form}: ${name}`) ?? []);
        const c = median(cpu.get(`${form}: ${name}`) ?? []);
        lines.push(`| ${form} | ${name} | ${m.toFixed(0)} ms | ${(m / base).toFixed(2)} | ${c.toFixed(0)} ms | ${(c / cpuBase).toFixed(2)} |`);
      }
    }
    console.log(lines.join('\n'));
  });
});
