// `npm start` builds before it runs: with nothing changed, the build must not compile or
// write again (tsc -b keeps its state in dist/.tsbuildinfo), so a start costs no 3 s.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDirs } from './helpers/tmp.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const temp = tempDirs('ee-build-');

describe('npm run build', () => {
  it('leaves dist/ untouched when no source changed', () => {
    const build = () => execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    build();
    // tsc's output, the catalogue's digest, the compiled templates.
    const outputs = ['dist/cli/main.js', 'dist/catalogue.sha256', 'dist/templates/pfsense.js'].map((f) => `${ROOT}${f}`);
    const before = outputs.map((f) => statSync(f).mtimeMs);
    build();
    expect(outputs.map((f) => statSync(f).mtimeMs)).toEqual(before);
  });

  it("compiles the templates beside another build without removing that build's temporary file", () => {
    // In a copy: the suite's other tests read this checkout's dist/templates meanwhile.
    const copy = projectCopy(['.ci', 'templates', 'package.json']);
    // What another build holds while it writes (its own pid in the name), and a module of a
    // target whose folder is gone.
    const theirs = join(copy, 'dist/templates/pfsense.js.99999.tmp');
    const gone = join(copy, 'dist/templates/no-such-target.js');
    writeFileSync(theirs, 'half a module');
    writeFileSync(gone, 'export default {};');
    const r = spawnSync(process.execPath, ['.ci/build/templates.mjs'], { cwd: copy, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(theirs)).toBe(true);
    expect(existsSync(gone)).toBe(false);
  });

  // The digest lets the tool trust the shipped catalogue without its validator: it must not
  // outlive a change to any part of that validator, not only to core/catalogue.ts (which tsc
  // need not emit again when a module it imports changes).
  it('validates the unchanged catalogue again whenever a module of its validator changed', { timeout: 120_000 }, () => {
    build(ROOT);
    const copy = projectCopy(['.ci', 'data', 'src', 'templates', 'package.json', 'tsconfig.json', 'tsconfig.build.json']);
    expect(build(copy).status).toBe(0);
    // The host-name rule, which lives beside the validator (core/catalogue-facts.ts), made
    // stricter than the shipped catalogue's names (labels of 5 characters at most), and back.
    const facts = join(copy, 'src/core/catalogue-facts.ts');
    const text = readFileSync(facts, 'utf8');
    expect(text).toContain('[a-z0-9-]{0,61}');
    for (const round of [1, 2]) {
      writeFileSync(facts, text.replace('[a-z0-9-]{0,61}', '[a-z0-9-]{0,3}'));
      const stricter = build(copy);
      expect(stricter.stderr, `round ${round}`).toMatch(/^build: data\/catalogue\.json: invalid catalogue at agents\.\d+\.endpoints\.\d+\.host: /m);
      expect(stricter.status, `round ${round}`).toBe(1);
      expect(existsSync(join(copy, 'dist/catalogue.sha256'))).toBe(false);
      writeFileSync(facts, text);
      const restored = build(copy);
      expect(restored.status, `round ${round}: ${restored.stderr}`).toBe(0);
      expect(existsSync(join(copy, 'dist/catalogue.sha256'))).toBe(true);
    }
  });
});

/** A copy of these files of the project, with its build (cp -a keeps the times: tsc -b
 *  there compiles only what changes) but not the bundles, and its node_modules linked. */
function projectCopy(names: readonly string[]): string {
  const copy = temp();
  expect(spawnSync('cp', ['-a', ...names, copy], { cwd: ROOT }).status).toBe(0);
  mkdirSync(join(copy, 'dist'));
  const built = readdirSync(join(ROOT, 'dist')).filter((n) => !/^(bundle|sea|emaint-egress-.*)$/.test(n));
  expect(spawnSync('cp', ['-a', ...built, join(copy, 'dist')], { cwd: join(ROOT, 'dist') }).status).toBe(0);
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(copy, 'node_modules'));
  return copy;
}

function build(cwd: string): { status: number | null; stderr: string } {
  const r = spawnSync('npm', ['run', '-s', 'build'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stderr: r.stderr };
}
