// The files the tool ships with: package.json, the catalogue and the digest of its
// validation, the PAC sandbox's engine and worker. (The templates are code: compiled at build
// time and bundled, src/io/templates.ts.) Run by Node.js (a clone,
// the tests, an npm install) they are files of the package folder: the code in dist/<layer>/
// (tsc) or dist/bundle/ (the npm package, .ci/build/bundle.mjs, with the sandbox's engine and
// worker beside it), both two levels below it. In the single executable (`npm run package`)
// there is no folder, only the assets embedded in it. Nothing is looked up until asked: the
// executable's bundle has no import.meta.url.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sea from 'node:sea';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Asset names of the single executable; .ci/build/package.mjs embeds them. */
export const ASSETS = {
  packageJson: 'package.json',
  catalogue: 'data/catalogue.json',
  catalogueDigest: 'catalogue.sha256',
  pacEngine: 'quickjs.wasm',
  /** The PAC worker, bundled as one script for `new Worker(code, { eval: true })`. */
  pacWorker: 'pac-worker.js',
} as const;

/** The package folder (with package.json, data/, templates/, dist/), from src/io or dist/io. */
function packageDir(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** A text file of the package (by its path in the package), or the asset of that name. */
export function shippedText(path: (typeof ASSETS)['packageJson' | 'catalogue']): string {
  return sea.isSea() ? sea.getAsset(path, 'utf8') : readFileSync(join(packageDir(), path), 'utf8');
}

/** Where the shipped catalogue is, for messages: its path, or its place in the executable. */
export function shippedCataloguePlace(): string {
  return sea.isSea() ? `${process.execPath} (embedded ${ASSETS.catalogue})` : join(packageDir(), ASSETS.catalogue);
}

/** The SHA-256 (hex) of the catalogue that the build validated (dist/catalogue.sha256), or
 *  null where no build recorded one (the tests run from src/ before any build). */
export function validatedCatalogueDigest(): string | null {
  if (sea.isSea()) return sea.getAsset(ASSETS.catalogueDigest, 'utf8').trim();
  const file = join(packageDir(), 'dist', ASSETS.catalogueDigest);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

/** Whether this code runs from its TypeScript source (the tests, under vitest), where no
 *  build output lies beside it. */
export function runningFromSource(): boolean {
  return !sea.isSea() && import.meta.url.endsWith('.ts');
}

/** templates/<target>/*.hbs by file name, from the package folder. */
export function templateSources(target: string): Record<string, string> {
  return readTemplateFolder(join(packageDir(), 'templates', target));
}

/** The .hbs files of one folder, by name (also what .ci/build/templates.mjs compiles). */
export function readTemplateFolder(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(folder)) {
    if (name.endsWith('.hbs')) out[name] = readFileSync(join(folder, name), 'utf8');
  }
  return out;
}

/** A file the bundle carries beside its code (dist/bundle/), or null outside the bundle. */
function besideBundle(name: string): string | null {
  const file = fileURLToPath(new URL(name, import.meta.url));
  return existsSync(file) ? file : null;
}

/** quickjs-wasi's WebAssembly engine: the asset, the bundle's copy, or from its package. */
export function pacEngineBytes(): Uint8Array {
  if (sea.isSea()) return new Uint8Array(sea.getAsset(ASSETS.pacEngine));
  const bundled = besideBundle(ASSETS.pacEngine);
  if (bundled) return readFileSync(bundled);
  const pkg = createRequire(import.meta.url).resolve('quickjs-wasi/package.json');
  return readFileSync(join(dirname(pkg), 'quickjs.wasm'));
}

/**
 * The PAC worker: its code (the executable), or the URL of its module: the bundle's, or
 * tsc's in dist/. Under vitest this module runs from src/*.ts, and Node 20 cannot start a
 * worker from TypeScript: then the built one in dist/ runs too.
 */
export function pacWorker(): URL | { code: string } {
  if (sea.isSea()) return { code: sea.getAsset(ASSETS.pacWorker, 'utf8') };
  return pathToFileURL(besideBundle('pac-worker.mjs') ?? join(packageDir(), 'dist', 'net', 'check', 'pac-worker.js'));
}
