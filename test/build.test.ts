// `npm start` builds before it runs: with nothing changed, the build must not compile or
// write again (tsc -b keeps its state in dist/.tsbuildinfo), so a start costs no 3 s.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

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
});
