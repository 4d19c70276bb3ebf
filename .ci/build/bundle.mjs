// The shipped code, bundled with esbuild from tsc's output in dist/ (run `npm run build`
// first; `npm run bundle` does):
//   npm: dist/bundle/, the npm package's code. One ES module, emaint-egress.mjs, with every
//        dependency inside and the parts that only some commands need (the app, handlebars,
//        the checker, the PAC sandbox, the profile validator) in chunks loaded when used:
//        about twenty files to read at start (the entry and the chunks it shares with those
//        parts) instead of some seventy, and a package that installs with no registry. The PAC worker and quickjs.wasm lie beside it (src/io/shipped.ts).
//   sea: dist/sea/, the single executable's script (main.cjs) and PAC worker (pac-worker.cjs):
//        CommonJS, which is all Node 20 runs as a single executable's main script.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);

/** Where quickjs-wasi keeps its engine. */
export function quickjsWasm() {
  return join(dirname(require.resolve('quickjs-wasi/package.json')), 'quickjs.wasm');
}

/**
 * handlebars' code generator requires the source-map library (64 KB) only to map compiled
 * templates back to their source, which the tool never asks for; without it, handlebars uses
 * its own small stand-in (as in browsers). Leaving it out takes its load off `render`'s start.
 */
const noSourceMap = {
  name: 'no-source-map',
  setup(b) {
    b.onResolve({ filter: /^source-map$/ }, () => ({ path: 'source-map', namespace: 'emaint-empty' }));
    b.onLoad({ filter: /.*/, namespace: 'emaint-empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

const common = {
  bundle: true,
  plugins: [noSourceMap],
  platform: 'node',
  target: 'node20',
  absWorkingDir: ROOT,
  logLevel: 'warning',
  legalComments: 'none',
  // ink loads React's devtools only with DEV=true, and says so when they are missing.
  external: ['react-devtools-core'],
  // React and ink pick their production builds, as an installed package would.
  define: { 'process.env.NODE_ENV': '"production"' },
};

/** The npm package's code in dist/bundle/. */
export async function bundleForNpm() {
  const out = join(ROOT, 'dist/bundle');
  rmSync(out, { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: { 'emaint-egress': 'dist/cli/main.js', 'pac-worker': 'dist/net/check/pac-worker.js' },
    outdir: out,
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    // CommonJS dependencies (handlebars, commander) call require() for Node's modules.
    banner: { js: "import { createRequire as __eeCreateRequire } from 'node:module';\nconst require = __eeCreateRequire(import.meta.url);" },
  });
  copyFileSync(quickjsWasm(), join(out, 'quickjs.wasm'));
  return out;
}

/**
 * yoga-layout (ink's layout engine) instantiates its WebAssembly with a top-level await,
 * which CommonJS cannot express. Its Emscripten loader takes an instantiateWasm hook: given
 * the module's bytes, it instantiates synchronously, and the library is ready when the
 * loader returns.
 */
const yogaWithoutTopLevelAwait = {
  name: 'yoga-without-top-level-await',
  setup(b) {
    b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/ }, (args) => {
      const binaries = join(dirname(args.path), '../binaries/yoga-wasm-base64-esm.js');
      const base64 = /data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)/.exec(readFileSync(binaries, 'utf8'))?.[1];
      if (!base64) throw new Error(`${binaries}: no embedded WebAssembly found; yoga-layout changed, see .ci/build/bundle.mjs`);
      return {
        resolveDir: dirname(args.path),
        contents: [
          "import loadYoga from '../binaries/yoga-wasm-base64-esm.js';",
          "import wrapAssembly from './wrapAssembly.js';",
          `const bytes = Buffer.from(${JSON.stringify(base64)}, 'base64');`,
          'const lib = {',
          '  instantiateWasm(imports, done) {',
          '    done(new WebAssembly.Instance(new WebAssembly.Module(bytes), imports));',
          '    return {};',
          '  },',
          '};',
          'loadYoga(lib);',
          "if (typeof lib.Node !== 'function') throw new Error('yoga-layout did not load synchronously');",
          'const Yoga = wrapAssembly(lib);',
          'export default Yoga;',
          "export * from './generated/YGEnums.js';",
        ].join('\n'),
      };
    });
  },
};

/**
 * ink awaits at its top level only with DEV=true (React's devtools, and its package.json for
 * them). The executable has no devtools: those two awaits go, and DEV changes nothing.
 */
const inkWithoutDevtools = {
  name: 'ink-without-devtools',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, (args) => {
      const edits = [
        ["await import('./devtools.js');", 'void 0;'],
        ['? await loadPackageJson()', '? { name: undefined, version: undefined }'],
      ];
      let contents = readFileSync(args.path, 'utf8');
      for (const [from, to] of edits) {
        if (!contents.includes(from)) throw new Error(`${args.path}: no "${from}"; ink changed, see .ci/build/bundle.mjs`);
        contents = contents.replace(from, to);
      }
      return { contents, resolveDir: dirname(args.path) };
    });
  },
};

/** The single executable's scripts in dist/sea/. */
export async function bundleForSea() {
  const out = join(ROOT, 'dist/sea');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const cjs = {
    ...common,
    format: 'cjs',
    // There is no import.meta in CommonJS: src/io/shipped.ts reads the assets instead.
    logOverride: { 'empty-import-meta': 'silent' },
  };
  await build({ ...cjs, entryPoints: ['dist/cli/main.js'], outfile: join(out, 'main.cjs'), plugins: [yogaWithoutTopLevelAwait, inkWithoutDevtools] });
  await build({ ...cjs, entryPoints: ['dist/net/check/pac-worker.js'], outfile: join(out, 'pac-worker.cjs') });
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kind = process.argv[2] ?? 'npm';
  if (kind === 'npm') await bundleForNpm();
  else if (kind === 'sea') await bundleForSea();
  else {
    process.stderr.write(`bundle: unknown kind ${kind}; npm or sea\n`);
    process.exit(2);
  }
}
