// What hostile PAC files cost a whole `check` run: the built CLI on the whole catalogue,
// the bomb on every host (22 evaluations at once), --timeout 2000. Prints the wall time
// and the process's peak RSS (VmHWM of /proc/PID/status, threads included) per bomb;
// asserts nothing about speed. Traffic: the resolver is 127.0.0.1:1 (refused), so no
// packet leaves loopback.
//   npm run bench
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { tempDirs } from '../helpers/tmp.js';

const TIMEOUT_MS = 2000;
const tmp = tempDirs('ee-pac-bombs-');

const BOMBS: [string, string][] = [
  ['a plain file (baseline)', 'return "PROXY 127.0.0.1:1";'],
  ['new Array(1e9).fill(0)', 'var a = new Array(1e9).fill(0); return "DIRECT";'],
  ['arrays grown in a loop', 'var a = []; while (true) a.push(new Array(100000).fill(1));'],
  ['typed arrays grown in a loop', 'var a = []; while (true) a.push(new Uint8Array(1 << 20));'],
  ['new Uint8Array(2 ** 31)', 'var a = new Uint8Array(2 ** 31); return "DIRECT";'],
  ['strings kept in a loop', 'var a = []; while (true) a.push("x".repeat(1000) + a.length);'],
  ['an endless loop', 'while (true) {}'],
  ['a native scan the engine cannot interrupt', 'var a = []; a.length = 4294967295; a.lastIndexOf(1);'],
  ['a promise that never settles', 'return new Promise(function () {});'],
  ['an interrupt inside a promise job', 'dnsResolve(host); while (true) {}'],
];

function peakKb(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function measure(body: string): Promise<{ ms: number; peakMb: number | null; code: number | null; outcome: string }> {
  const file = join(tmp(), 'site.pac');
  writeFileSync(file, `function FindProxyForURL(url, host) { ${body} }`);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [BIN, 'check', '--agents', 'all', '--cca-activation', '--pac', file, '--timeout', String(TIMEOUT_MS), '--dns-server', '127.0.0.1:1', '--json'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  let peak: number | null = null;
  const poll = setInterval(() => {
    if (child.pid !== undefined) peak = peakKb(child.pid) ?? peak;
  }, 10);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(poll);
  const ms = performance.now() - started;
  let outcome = 'no JSON on stdout';
  try {
    const out = JSON.parse(stdout) as { results: { detail: string }[] };
    const details = [...new Set(out.results.map((r) => r.detail.replace(/^cannot reach the proxy .*/, 'cannot reach the proxy')))];
    outcome = details.join(' | ');
  } catch {
    // reported as is
  }
  return { ms, peakMb: peak === null ? null : Math.round(peak / 1024), code, outcome };
}

describe('PAC bombs through the built CLI', () => {
  it('prints wall time and peak RSS per bomb', async () => {
    const lines = [`check --agents all --cca-activation --pac FILE --timeout ${TIMEOUT_MS}: the bomb on every host`];
    for (const [name, body] of BOMBS) {
      const r = await measure(body);
      lines.push(
        `  ${name.padEnd(44)} ${(r.ms / 1000).toFixed(2).padStart(6)} s  peak ${String(r.peakMb ?? '?').padStart(5)} MiB  exit ${r.code}  ${r.outcome.slice(0, 110)}`,
      );
    }
    lines.push('  (wall time of the whole process, Node start included; peak RSS of the process, its PAC worker threads included)');
    console.log(lines.join('\n'));
  });
});
