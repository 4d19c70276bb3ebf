// `npm run package`: the single executable for this platform, dist/emaint-egress-<os>-<arch>
// (Node's single executable applications, as Node's documentation builds one): this Node
// binary with the bundled CommonJS script (.ci/build/bundle.mjs) and the shipped files as
// assets (src/io/shipped.ts names them), injected with postject. Runs where no Node.js is.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, bundleForSea, quickjsWasm } from './bundle.mjs';

// Node's documented fuse for single executable applications.
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export const EXECUTABLE = join(ROOT, 'dist', `emaint-egress-${process.platform}-${process.arch}`);

/** Runs node with these arguments; says what it said, but for the expected lines, and stops on failure. */
function quiet(what, args, expected) {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const lines = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const said = lines.filter((l) => l.trim() !== '' && !expected.test(l));
  if (r.status !== 0) {
    process.stderr.write(`package: ${what} failed (${r.status ?? r.signal}):\n${lines.join('\n')}\n`);
    process.exit(1);
  }
  if (said.length > 0) process.stderr.write(`${said.join('\n')}\n`);
}

const { ASSETS } = await import(join(ROOT, 'dist/io/shipped.js'));
const sea = await bundleForSea();

// The catalogue goes in as the build validated it: the digest is the build's, never made here.
const digest = readFileSync(join(ROOT, 'dist/catalogue.sha256'), 'utf8');
const { catalogueDigest } = await import(join(ROOT, 'dist/io/shipped-catalogue.js'));
if (catalogueDigest(readFileSync(join(ROOT, 'data/catalogue.json'), 'utf8')) !== digest.trim()) {
  process.stderr.write('package: data/catalogue.json changed since the build validated it; run npm run build\n');
  process.exit(1);
}
const config = {
  main: join(sea, 'main.cjs'),
  output: join(sea, 'sea-prep.blob'),
  disableExperimentalSEAWarning: true,
  // V8's compiled code goes in too: the script is not compiled again at each start.
  useCodeCache: true,
  assets: {
    [ASSETS.packageJson]: join(ROOT, 'package.json'),
    [ASSETS.catalogue]: join(ROOT, 'data/catalogue.json'),
    [ASSETS.catalogueDigest]: join(ROOT, 'dist/catalogue.sha256'),
    [ASSETS.pacEngine]: quickjsWasm(),
    [ASSETS.pacWorker]: join(sea, 'pac-worker.cjs'),
  },
};
writeFileSync(join(sea, 'sea-config.json'), JSON.stringify(config, null, 2));
quiet('node --experimental-sea-config', ['--experimental-sea-config', join(sea, 'sea-config.json')], /^Wrote single executable preparation blob/);

rmSync(EXECUTABLE, { force: true });
copyFileSync(process.execPath, EXECUTABLE);
chmodSync(EXECUTABLE, 0o755);
// postject's ELF library warns about every note section of Node's binary.
const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
quiet('postject', [postject, EXECUTABLE, 'NODE_SEA_BLOB', config.output, '--sentinel-fuse', FUSE], /Can't find string offset|injection|Injection done/i);
process.stdout.write(`${EXECUTABLE}\n`);
