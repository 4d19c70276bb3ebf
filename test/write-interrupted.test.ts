// A render killed with SIGKILL in the middle of its write (a real process of the built CLI,
// cut off at an exact rename by the test's probe): the next run finds the temporary files of
// the dead run and removes them, says which files of the set are new and which are old, and
// with --force leaves one whole set.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appServices } from '../src/cli/app-services.js';
import { toolVersion } from '../src/cli/program.js';
import { loadCatalogue } from '../src/io/catalogue-file.js';
import { writeFilesAtomically, type WriteNote } from '../src/io/write-files.js';
import { bin } from './helpers/cli.js';
import { tempDirs } from './helpers/tmp.js';
import { IPTABLES_SET, renderUnderProbe, sitesIn } from './helpers/write-probe.js';

const tmp = tempDirs('ee-write-cut-');
const SITES = ['Site of run A', 'Site of run B', 'Site of run C', 'Site of run D'];
const [IPSET, RULES, CONF] = IPTABLES_SET as [string, string, string];
const render = (out: string, site: string, ...extra: string[]) =>
  bin('render', '--agents', 'cca', '--target', 'iptables', '--site', site, '--out', out, ...extra);

/** Renders site A, then kills a --force render of site B at `probe`; returns B's pid. */
async function cutOff(out: string, probe: Record<string, string>): Promise<number> {
  expect(render(out, 'Site of run A').code).toBe(0);
  const b = renderUnderProbe(out, 'Site of run B', probe, '--force');
  const rb = await b.done;
  expect(rb.signal).toBe('SIGKILL');
  return b.child.pid as number;
}

describe('a render killed between renames', () => {
  it('leaves a mixed set that the next run reports, temporary files it removes, and --force makes whole', async () => {
    const out = join(tmp(), 'rules');
    const pid = await cutOff(out, { PROBE_KILL_AFTER: IPSET });
    // What the kill left: B's first file, A's other two, and B's two finished temporary files.
    const left = sitesIn(out, SITES);
    expect(left.files).toEqual({ [IPSET]: 'Site of run B', [RULES]: 'Site of run A', [CONF]: 'Site of run A' });
    expect(left.dotfiles.filter((f) => f.endsWith('.tmp'))).toEqual(
      [`.${CONF}.`, `.${RULES}.`].map((p) => expect.stringMatching(new RegExp(`^${p.replace(/\./g, '\\.')}${pid}-[0-9a-f]{8}\\.tmp$`))),
    );

    // Without --force: refused as before, but the user learns what happened and the leftovers go.
    const c = render(out, 'Site of run C');
    expect(c.code).toBe(2);
    expect(c.stdout).toBe('');
    const lines = c.stderr.split('\n');
    expect(lines).toContain(`note: removed 2 temporary files of an interrupted run (pid ${pid}) from ${out}`);
    expect(lines).toContain(
      `warning: the previous write to ${out} (pid ${pid}) was interrupted: ${IPSET} is from that run, ${RULES}, ${CONF} from before; pass --force to write a whole set`,
    );
    expect(lines.at(-2)).toMatch(/^emaint-egress render: .* already exist; pass --force to replace$/);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(sitesIn(out, SITES).files).toEqual(left.files);

    // With --force: reported once more, then one whole set, and nothing else left in the folder.
    const d = render(out, 'Site of run D', '--force');
    expect(d.code).toBe(0);
    expect(d.stderr).toBe(`warning: the previous write to ${out} (pid ${pid}) was interrupted: ${IPSET} is from that run, ${RULES}, ${CONF} from before\n`);
    expect(sitesIn(out, SITES)).toEqual({ files: { [IPSET]: 'Site of run D', [RULES]: 'Site of run D', [CONF]: 'Site of run D' }, dotfiles: [] });
    // Whole again: the next run has nothing to say.
    const e = render(out, 'Site of run D', '--force');
    expect([e.code, e.stderr]).toEqual([0, '']);
  }, 60_000);

  it('killed before its first rename: the old set is whole; the next run removes the temporary files and says so', async () => {
    const out = join(tmp(), 'rules');
    const pid = await cutOff(out, { PROBE_KILL_BEFORE: IPSET });
    expect(sitesIn(out, SITES).files).toEqual({ [IPSET]: 'Site of run A', [RULES]: 'Site of run A', [CONF]: 'Site of run A' });
    const c = render(out, 'Site of run C', '--force');
    expect(c.code).toBe(0);
    expect(c.stderr.split('\n')).toContain(`note: removed 3 temporary files of an interrupted run (pid ${pid}) from ${out}`);
    expect(c.stderr).not.toContain('warning:');
    expect(sitesIn(out, SITES)).toEqual({ files: { [IPSET]: 'Site of run C', [RULES]: 'Site of run C', [CONF]: 'Site of run C' }, dotfiles: [] });
  }, 60_000);
});

describe('the folder lock', () => {
  const files = [
    { name: 'pfsense/emaint-egress.xml', content: 'one' },
    { name: 'iptables/emaint-egress.rules', content: 'two' },
  ];
  const lock = (dir: string, holder: object) =>
    writeFileSync(join(dir, '.emaint-egress.lock'), JSON.stringify({ host: hostname(), nonce: 'n', started: 'then', ...holder }));

  it('is the top folder\u2019s, also for names in subfolders (the app writes one per target)', () => {
    const dir = tmp();
    // A live holder: this test's own process.
    lock(dir, { pid: process.pid, procStart: null });
    expect(() => writeFilesAtomically(dir, files, true, `folder ${dir}`)).toThrow(
      `another emaint-egress run (pid ${process.pid}) is writing to ${dir}; try again when it has finished`,
    );
    expect(readdirSync(dir)).toEqual(['.emaint-egress.lock']);
  });

  it('held on another machine (a shared folder) is never taken over, even if the pid is not running here', () => {
    const dir = tmp();
    lock(dir, { pid: 2 ** 22 + 1, host: 'other-host', procStart: null });
    expect(() => writeFilesAtomically(dir, files, true)).toThrow(`another emaint-egress run (pid ${2 ** 22 + 1} on other-host) is writing to ${dir}`);
  });

  it('left by a process that has ended, or whose pid now belongs to another process, is taken over and said so', () => {
    for (const holder of [
      { pid: 2 ** 22 + 1, procStart: null },
      { pid: process.pid, procStart: 'not-this-process' },
    ]) {
      const dir = tmp();
      lock(dir, holder);
      const notes: WriteNote[] = [];
      expect(writeFilesAtomically(dir, files, false, `folder ${dir}`, (n) => notes.push(n))).toHaveLength(2);
      expect(notes).toEqual([{ level: 'note', text: `${dir} was locked by a run that ended without finishing (pid ${holder.pid}); lock taken over` }]);
      expect(readdirSync(dir).sort()).toEqual(['iptables', 'pfsense']);
    }
  });

  it('a lock file that names no run is one line, and nothing is written', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.emaint-egress.lock'), 'garbage');
    expect(() => writeFilesAtomically(dir, files, true)).toThrow(
      `${join(dir, '.emaint-egress.lock')} is in the way and names no emaint-egress run; remove it if no run is writing to ${dir}`,
    );
    expect(readdirSync(dir)).toEqual(['.emaint-egress.lock']);
  });
});

describe('a manifest the tool did not write', () => {
  it('is reported, never followed out of the folder, and replaced by a whole write', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'inner'));
    writeFileSync(
      join(dir, '.emaint-egress.manifest.json'),
      JSON.stringify({ emaintEgressWrite: 1, pid: 1, files: [{ name: '../../etc/passwd', sha256: '0'.repeat(64) }] }),
    );
    const notes: WriteNote[] = [];
    writeFilesAtomically(join(dir), [{ name: 'a.txt', content: 'a' }], false, undefined, (n) => notes.push(n));
    expect(notes).toEqual([
      {
        level: 'warning',
        text: `${join(dir, '.emaint-egress.manifest.json')} cannot be read: an earlier write to ${dir} may have been interrupted; check its files`,
      },
    ]);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'inner']);
  });
});

describe('the app\u2019s writes', () => {
  const services = appServices(
    { catalogue: loadCatalogue(), program: 'emaint-egress', toolVersion: toolVersion(), env: {}, now: () => new Date(0) },
    { defaultResolver: null },
  );
  const files = [
    { name: 'pfsense/emaint-egress.xml', content: 'one' },
    { name: 'iptables/emaint-egress.rules', content: 'two' },
  ];

  it('clear what a killed run left in a target\u2019s subfolder and hand the note to the app', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'iptables'));
    // A temporary file of a process that cannot exist (above the kernel's largest pid).
    writeFileSync(join(dir, 'iptables', `.emaint-egress.rules.${2 ** 22 + 1}-0123abcd.tmp`), 'half');
    const { paths, notes } = services.writeFiles(dir, files);
    expect(paths).toEqual(files.map((f) => join(dir, f.name)));
    expect(notes).toEqual([`removed 1 temporary file of an interrupted run (pid ${2 ** 22 + 1}) from ${dir}`]);
    expect(readdirSync(join(dir, 'iptables'))).toEqual(['emaint-egress.rules']);
  });

  it('take the lock of the folder the user chose, so a render there at the same time cannot mix in', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.emaint-egress.lock'), JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'n', procStart: null }));
    expect(() => services.writeFiles(dir, files)).toThrow(
      `another emaint-egress run (pid ${process.pid}) is writing to ${dir}; try again when it has finished`,
    );
    expect(readdirSync(dir)).toEqual(['.emaint-egress.lock']);
  });
});
