// Runs the built CLI as a real process under the write probe (write-probe.mjs): the render a
// user runs, cut off or held at an exact point of its write, or released at the same moment
// as another run.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from './cli.js';

export const PROBE = fileURLToPath(new URL('./write-probe.mjs', import.meta.url));

/** The files `render --target iptables` writes, in the order it renames them. */
export const IPTABLES_SET = ['emaint-egress.ipset', 'emaint-egress.rules', 'emaint-egress.iptables.dnsmasq.conf'];

export interface ProbeRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** `render --agents cca --target iptables --site SITE --out DIR` plus `extra`, under the probe. */
export function renderUnderProbe(dir: string, site: string, probe: Record<string, string>, ...extra: string[]): ProbeRun {
  const child = spawn(process.execPath, ['--import', PROBE, BIN, 'render', '--agents', 'cca', '--target', 'iptables', '--site', site, '--out', dir, ...extra], {
    env: { ...process.env, NO_COLOR: '1', SOURCE_DATE_EPOCH: '1700000000', ...probe },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export interface ProbeEvent {
  pid: number;
  event: 'tmp' | 'rename';
  name: string;
  t: bigint;
}

export function probeEvents(log: string): ProbeEvent[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const e = JSON.parse(l) as { pid: number; event: 'tmp' | 'rename'; name: string; t: string };
      return { ...e, t: BigInt(e.t) };
    });
}

/** Which site each file of the folder was rendered for (the header names it), dotfiles apart. */
export function sitesIn(dir: string, sites: readonly string[]): { files: Record<string, string | null>; dotfiles: string[] } {
  const files: Record<string, string | null> = {};
  const dotfiles: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (f.startsWith('.')) {
      dotfiles.push(f);
      continue;
    }
    const text = readFileSync(join(dir, f), 'utf8');
    files[f] = sites.find((s) => text.includes(s)) ?? null;
  }
  return { files, dotfiles };
}
