// A machine as a field engineer's laptop may be: a private mount namespace (unshare, root)
// in which Node.js (its binary, an empty file's worth), npm's global folder, this project and
// its node_modules are hidden under empty folders, the environment holds only what is given,
// and PATH names an empty folder. Optionally inside a test's network namespace, and without
// /etc at all (no resolv.conf, hosts, nsswitch.conf, passwd or certificates).
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import type { CliResult } from '../helpers/cli.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** npm's global node_modules (packages installed with npm install -g). */
function npmGlobalRoot(): string | null {
  const r = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
}

/** The folders hidden: the project, its node_modules wherever the link points, npm's global
 *  packages; a folder inside another is hidden with it. */
export const HIDDEN = ((): string[] => {
  const all = [realpathSync(ROOT), realpathSync(join(ROOT, 'node_modules')), npmGlobalRoot()].filter((d): d is string => d !== null);
  return [...new Set(all)].filter((d, _, ds) => !ds.some((o) => o !== d && d.startsWith(`${o}/`)));
})();
export const NODE = realpathSync(process.execPath);
/** An empty folder for PATH: no program is found by name. */
export const EMPTY_PATH = mkdtempSync(join(tmpdir(), 'ee-empty-path-'));
afterAll(() => rmSync(EMPTY_PATH, { recursive: true, force: true }));

export interface IsolatedOptions {
  cwd: string;
  /** The whole environment, PATH apart (default: EMPTY_PATH). */
  env?: Record<string, string>;
  /** Run inside this network namespace (ip netns exec). */
  netns?: string;
  /** Keep Node.js where it is (the npm package needs it). */
  keepNode?: boolean;
  /** Mount an empty folder over /etc. */
  noEtc?: boolean;
  timeout?: number;
}

/** The shell command that sets the machine up and execs argv ($@), for spawn or tmux. */
export function isolatedCommand(argv: readonly string[], options: IsolatedOptions): string[] {
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const env = { PATH: EMPTY_PATH, ...options.env };
  const script = [
    'set -e',
    ...HIDDEN.map((d) => `mount -t tmpfs -o size=1m,mode=0755 ee-hidden ${q(d)}`),
    ...(options.keepNode ? [] : [`mount --bind /dev/null ${q(NODE)}`]),
    ...(options.noEtc ? ['mount -t tmpfs -o size=1m,mode=0755 ee-no-etc /etc'] : []),
    `cd ${q(options.cwd)}`,
    `exec /usr/bin/env -i ${Object.entries(env)
      .map(([k, v]) => q(`${k}=${v}`))
      .join(' ')} "$@"`,
  ].join('\n');
  const inNamespace = options.netns ? ['ip', 'netns', 'exec', options.netns] : [];
  return [...inNamespace, 'unshare', '--mount', '--propagation', 'private', '/bin/sh', '-c', script, 'sh', ...argv];
}

/** Runs argv (an absolute path first: PATH finds nothing) on the isolated machine. */
export function isolated(argv: readonly string[], options: IsolatedOptions): CliResult {
  const [cmd, ...args] = isolatedCommand(argv, options);
  const r: SpawnSyncReturns<string> = spawnSync(cmd as string, args, { encoding: 'utf8', timeout: options.timeout ?? 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
