// Tests that need Debian tools or root (network namespaces, iptables, pactester) skip
// with a printed reason on a machine without them, and fail under CI=true, where
// .ci/run installs them.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { inCI } from './seeds.js';

export function hasTool(tool: string): boolean {
  return (
    spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore', env: { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin` } }).status ===
    0
  );
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Namespaces need root and a kernel that allows them here. */
function canMakeNamespace(): boolean {
  if (!isRoot || !hasTool('ip')) return false;
  const name = `ee-probe-${randomBytes(3).toString('hex')}`;
  const ok = spawnSync('ip', ['netns', 'add', name], { stdio: 'ignore' }).status === 0;
  if (ok) spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  return ok;
}

/**
 * Returns true when `tools` (and root with network namespaces, if asked) are here.
 * Otherwise prints why the tests of `what` are skipped, or throws under CI=true.
 */
export function requireSystem(what: string, tools: readonly string[], options: { netns?: boolean } = {}): boolean {
  const missing = tools.filter((t) => !hasTool(t));
  const problems: string[] = [];
  if (missing.length) problems.push(`missing ${missing.join(', ')} (Debian packages; .ci/run installs them)`);
  if (options.netns && !canMakeNamespace()) problems.push('needs root and network namespaces (ip netns add)');
  if (problems.length === 0) return true;
  const reason = `${what} skipped: ${problems.join('; ')}`;
  if (inCI) throw new Error(`${reason}, and CI=true requires them`);
  console.warn(reason);
  return false;
}

/** A network namespace of the test's own, with loopback up; removed by `close()`. */
export class Netns {
  readonly name = `ee-${randomBytes(4).toString('hex')}`;
  constructor() {
    execFileSync('ip', ['netns', 'add', this.name]);
    this.exec('ip', ['link', 'set', 'lo', 'up']);
  }
  /** Runs a command inside the namespace; throws with its stderr on failure. */
  exec(cmd: string, args: readonly string[], input?: string): string {
    const r = spawnSync('ip', ['netns', 'exec', this.name, cmd, ...args], { input, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
    return r.stdout;
  }
  /** Like exec, but returns the exit status and output instead of throwing. */
  try(cmd: string, args: readonly string[], input?: string): { status: number; stdout: string; stderr: string } {
    const r = spawnSync('ip', ['netns', 'exec', this.name, cmd, ...args], { input, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }
  close(): void {
    spawnSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
  }
}
