// Two renders into one folder at once, as real processes of the built CLI: one takes the
// folder, the other exits 2 with one line and writes nothing, and the folder holds exactly
// one run's whole set. Held mid-write with SIGSTOP (deterministic), and released together
// from a FIFO many times (the race as users meet it).
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin } from './helpers/cli.js';
import { tempDirs } from './helpers/tmp.js';
import { IPTABLES_SET, probeEvents, renderUnderProbe, sitesIn } from './helpers/write-probe.js';

const tmp = tempDirs('ee-write-race-');
const LOSER = /^emaint-egress render: another emaint-egress run \(pid (\d+)\) is writing to .+; try again when it has finished\n$/;

async function until<T>(what: string, probe: () => T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A write end of the FIFO once a reader has opened it (ENXIO until then). */
function openWriter(fifo: string): number | undefined {
  try {
    return openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENXIO') return undefined;
    throw err;
  }
}

describe('two renders into the same folder', () => {
  it('a run that finds the folder taken exits 2 with one line, writes nothing, and the first finishes its whole set', async () => {
    const base = tmp();
    const out = join(base, 'rules');
    const log = join(base, 'probe.log');
    // A: stopped right after it renamed the first file of its set into place.
    const a = renderUnderProbe(out, 'Site of run A', { PROBE_LOG: log, PROBE_STOP_AFTER: IPTABLES_SET[0] as string }, '--force');
    try {
      await until('run A to rename its first file', () =>
        probeEvents(log).some((e) => e.event === 'rename' && e.name === IPTABLES_SET[0]) ? true : undefined,
      );
      const before = readdirSync(out).sort();
      const b = bin('render', '--agents', 'cca', '--target', 'iptables', '--site', 'Site of run B', '--out', out, '--force');
      expect(b.code).toBe(2);
      expect(b.stdout).toBe('');
      expect(b.stderr).toMatch(LOSER);
      expect(b.stderr).toContain(`(pid ${a.child.pid}) is writing to ${out};`);
      // B wrote nothing: the folder is as A left it, and nothing in it is B's.
      expect(readdirSync(out).sort()).toEqual(before);
      expect(Object.values(sitesIn(out, ['Site of run A', 'Site of run B']).files)).not.toContain('Site of run B');
    } finally {
      a.child.kill('SIGCONT');
    }
    const ra = await a.done;
    expect([ra.code, ra.signal, ra.stderr]).toEqual([0, null, '']);
    expect(sitesIn(out, ['Site of run A', 'Site of run B'])).toEqual({
      files: Object.fromEntries([...IPTABLES_SET].sort().map((f) => [f, 'Site of run A'])),
      dotfiles: [],
    });
  }, 60_000);

  it('started at once, many times: one whole set each time; both succeed only one after the other', async () => {
    const ROUNDS = 20;
    let raced = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const base = tmp();
      const out = join(base, 'rules');
      const log = join(base, 'probe.log');
      const runs = ['Site of run A', 'Site of run B'].map((site, i) => {
        const gate = join(base, `gate-${i}`);
        execFileSync('mkfifo', [gate]);
        return { gate, ...renderUnderProbe(out, site, { PROBE_LOG: log, PROBE_GATE: gate }, '--force') };
      });
      // Each run waits reading its own FIFO; once both wait, closing both lets them go together.
      const writers = await Promise.all(runs.map((r) => until('a run at its gate', () => openWriter(r.gate))));
      for (const fd of writers) closeSync(fd);
      const results = await Promise.all(runs.map((r) => r.done));
      const codes = results.map((r) => r.code);
      const events = probeEvents(log);
      // One run's set write: from its first temporary file to its last rename.
      const span = (pid: number | undefined) => {
        const own = events.filter((e) => e.pid === pid && IPTABLES_SET.includes(e.name));
        return own.length === 0 ? null : { from: own[0]?.t as bigint, to: own[own.length - 1]?.t as bigint };
      };
      if (codes.includes(2)) {
        raced++;
        expect(codes.slice().sort(), `round ${round}`).toEqual([0, 2]);
        const loser = codes.indexOf(2);
        expect(results[loser]?.stdout).toBe('');
        expect(results[loser]?.stderr, `round ${round}`).toMatch(LOSER);
        expect(span(runs[loser]?.child.pid), 'the loser wrote nothing').toBeNull();
      } else {
        expect(codes, `round ${round}: ${results.map((r) => r.stderr).join(' | ')}`).toEqual([0, 0]);
        const [x, y] = runs.map((r) => span(r.child.pid));
        // Both succeeded: only if one wrote its set after the other had finished.
        expect(x && y && (x.to < y.from || y.to < x.from), `round ${round}: the two writes overlapped and both exited 0`).toBe(true);
      }
      const { files, dotfiles } = sitesIn(out, ['Site of run A', 'Site of run B']);
      expect(dotfiles, `round ${round}: nothing but the set is left`).toEqual([]);
      expect(Object.keys(files).sort()).toEqual([...IPTABLES_SET].sort());
      expect(new Set(Object.values(files)).size, `round ${round}: one run's set, not a mix: ${JSON.stringify(files)}`).toBe(1);
    }
    // How often the two runs met at the lock (the rest ran one after the other).
    console.log(`write race: ${raced} of ${ROUNDS} rounds had a loser`);
  }, 180_000);
});
