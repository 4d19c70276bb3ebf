// Part of `npm run build`, after tsc: validates data/catalogue.json in full and records its
// SHA-256 in dist/catalogue.sha256. The tool then starts without loading the validator while
// the shipped file still has that digest (src/io/shipped-catalogue.ts). An invalid catalogue
// fails the build. With the catalogue unchanged and nothing compiled since the digest was
// written, nothing is loaded or written (`npm start` stays fast). Anything compiled means
// validating again: the validator is more modules than core/catalogue.ts (the host-name rule
// is core/catalogue-facts.ts), and tsc need not write a module again when one it imports
// changed; tsc -b rewrites its state file (dist/.tsbuildinfo) whenever it compiled anything.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const file = new URL('data/catalogue.json', root);
const out = new URL('dist/catalogue.sha256', root);
const compiled = new URL('dist/.tsbuildinfo', root);

const { catalogueDigest } = await import(new URL('dist/io/shipped-catalogue.js', root).href);
const digest = catalogueDigest(readFileSync(file, 'utf8'));
const current = existsSync(out) && readFileSync(out, 'utf8').trim() === digest && statSync(out).mtimeMs >= statSync(compiled).mtimeMs;
if (!current) {
  rmSync(out, { force: true });
  const { loadCatalogue } = await import(new URL('dist/io/catalogue-file.js', root).href);
  try {
    loadCatalogue();
  } catch (err) {
    process.stderr.write(`build: data/catalogue.json: ${err.message}\n`);
    process.exit(1);
  }
  writeFileSync(out, `${digest}\n`);
}
