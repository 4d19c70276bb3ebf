// Part of `npm run build`, after tsc: compiles each target's templates (templates/<target>/)
// into dist/templates/<target>.js, after the template guard checked their shape
// (src/core/render/precompile.ts). The tool then loads handlebars' runtime, not its compiler.
// An unsafe template fails the build. A module whose text would not change is not written
// (`npm start` stays fast), and one for a target whose folder is gone is removed; two builds
// at once leave each other's temporary files alone.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const sources = join(root, 'templates');
const out = join(root, 'dist', 'templates');

const { loadTemplateEngine } = await import(join(root, 'dist/core/render/engine.js'));
const { templateModule } = await import(join(root, 'dist/core/render/precompile.js'));
const { readTemplateFolder } = await import(join(root, 'dist/io/shipped.js'));
await loadTemplateEngine();

const targets = readdirSync(sources).filter((t) => statSync(join(sources, t)).isDirectory());
mkdirSync(out, { recursive: true });
for (const target of targets) {
  let text;
  try {
    text = templateModule(target, readTemplateFolder(join(sources, target)));
  } catch (err) {
    process.stderr.write(`build: ${err.message}\n`);
    process.exit(1);
  }
  const file = join(out, `${target}.js`);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
  // A temporary name of this build's own: two builds at once (an editor's and `npm start`)
  // each rename a whole file into place, never one another's half.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
// Only modules of targets that are gone: another build's temporary file is its own to rename.
for (const name of readdirSync(out)) {
  if (name.endsWith('.js') && !targets.includes(name.slice(0, -3))) rmSync(join(out, name), { force: true });
}
