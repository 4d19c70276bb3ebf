// `report` flags and files: bad input is one line and exit 2 with nothing written, the format
// follows --out's extension unless given, an existing report is replaced only with --force,
// and the rules folder is read as render wrote it (hidden files skipped, an interrupted write
// named). The runs are the fixtures of real checks (test/fixtures/report/).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, cli } from './helpers/cli.js';
import { tempDirs } from './helpers/tmp.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/report/', import.meta.url));
const fixture = (name: string) => join(FIXTURES, `${name}.json`);
const tmp = tempDirs('ee-report-cli-');

/** The profile the customer run was checked with (its agents and site endpoint). */
function customerProfile(): Record<string, unknown> {
  const run = JSON.parse(readFileSync(fixture('customer'), 'utf8')) as { profile: { document: Record<string, unknown> } };
  return run.profile.document;
}

/** One line on stderr, exit 2, nothing on stdout. */
function refused(r: { code: number; stdout: string; stderr: string }, message: RegExp): void {
  expect(r).toMatchObject({ code: 2, stdout: '' });
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr.trimEnd()).toMatch(message);
}

describe('report: flags and files', () => {
  it('bad input: one line naming what is wrong, exit 2, no file', async () => {
    const dir = tmp();
    const out = join(dir, 'r.html');
    refused(await cli('report', '--out', out), /^emaint-egress report: --run FILE is required: a saved run \(check --save FILE\)$/);
    refused(
      await cli('report', '--run', fixture('customer'), '--run', fixture('reference'), '--since', fixture('earlier')),
      /--since compares one site's runs; give one --run with it \(got 2\)$/,
    );
    refused(await cli('report', '--run', fixture('customer'), '--format', 'pdf'), /--format 'pdf': valid: html, md$/);
    refused(await cli('report', '--run', fixture('customer'), '--force'), /--force applies to --out; add --out FILE or drop --force$/);
    refused(await cli('report', '--run', join(dir, 'missing.json'), '--out', out), /^emaint-egress report: run .*missing\.json: cannot read it \(ENOENT\)$/);
    const profile = join(dir, 'site.json');
    writeFileSync(profile, JSON.stringify({ format: 'emaint-egress-profile', version: 1, agents: ['cca'] }));
    refused(await cli('report', '--run', profile, '--out', out), /run .*site\.json: "format" is not "emaint-egress-run": not a saved emaint-egress run$/);
    refused(await cli('report', '--run', fixture('customer'), '--rules', profile, '--out', out), /--rules .*site\.json is not a folder$/);
    refused(
      await cli('report', '--run', fixture('customer'), '--rules', tmp(), '--out', out),
      /--rules .* holds no files; give the folder render --out wrote$/,
    );
    refused(
      await cli('report', '--run', fixture('customer'), '--colour'),
      /unknown option '--colour'.*; valid options: --run, --since, --rules, --format, --out, --force, --catalogue/,
    );
    expect(readdirSync(dir).sort()).toEqual(['site.json']);
  });

  it('the format follows --out: .md is Markdown, anything else HTML, --format wins; stdout without --out', async () => {
    const dir = tmp();
    expect((await cli('report', '--run', fixture('reference'), '--out', join(dir, 'r.md'))).stdout).toBe(
      `Wrote ${join(dir, 'r.md')} (Markdown):\n  ACME Utrecht: All 17 flows get out; nothing to change\n`,
    );
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toMatch(/^# eMaintenance egress report: ACME Utrecht\n/);
    expect((await cli('report', '--run', fixture('reference'), '--out', join(dir, 'r.txt'))).code).toBe(0);
    expect(readFileSync(join(dir, 'r.txt'), 'utf8')).toMatch(/^<!DOCTYPE html>\n/);
    expect((await cli('report', '--run', fixture('reference'), '--format', 'html', '--out', join(dir, 'x.md'))).code).toBe(0);
    expect(readFileSync(join(dir, 'x.md'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    const printed = await cli('report', '--run', fixture('reference'), '--format', 'md');
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    expect(printed.stdout).toMatch(/^# eMaintenance egress report: ACME Utrecht\n/);
    // The time written is SOURCE_DATE_EPOCH's, as for rendered rules (the built CLI, as a user runs it).
    const r = spawnSync(process.execPath, [BIN, 'report', '--run', fixture('reference'), '--format', 'md'], {
      encoding: 'utf8',
      env: { ...process.env, SOURCE_DATE_EPOCH: '1795251600' },
    });
    expect(r.stdout).toContain('Made 2026-11-21 09:00 UTC by emaint-egress');
  });

  it('writes atomically into a folder it creates, and replaces a report only with --force', async () => {
    const dir = join(tmp(), 'reports', 'acme');
    const out = join(dir, 'report.html');
    expect((await cli('report', '--run', fixture('customer'), '--out', out)).code).toBe(0);
    const first = readFileSync(out, 'utf8');
    refused(await cli('report', '--run', fixture('reference'), '--out', out), /report\.html already exists; pass --force to replace$/);
    expect(readFileSync(out, 'utf8')).toBe(first);
    expect((await cli('report', '--run', fixture('reference'), '--out', out, '--force')).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('All 17 flows get out; nothing to change');
    // No lock, manifest or temporary file left behind.
    expect(readdirSync(dir)).toEqual(['report.html']);
  });

  it('the rules folder: regular files only, each hashed; a write into it that was interrupted is named', async () => {
    const rules = tmp();
    // The rules for what the customer run checked: its agents and its site endpoint.
    const site = join(tmp(), 'site.json');
    writeFileSync(site, JSON.stringify({ ...customerProfile(), proxy: 'http://proxy.example.test:3128' }));
    expect((await cli('render', '--profile', site, '--target', 'pac', '--out', rules)).code).toBe(0);
    writeFileSync(join(rules, 'README.txt'), 'our own notes\n');
    mkdirSync(join(rules, 'old'));
    writeFileSync(join(rules, '.emaint-egress.lock.12-abcdef01.tmp'), 'x');
    const r = await cli('report', '--run', fixture('customer'), '--rules', rules, '--format', 'md');
    expect(r.code).toBe(0);
    const sha = (n: string) =>
      createHash('sha256')
        .update(readFileSync(join(rules, n)))
        .digest('hex');
    expect(r.stdout).toContain(`| README.txt | not written by emaint-egress render | 14 | ${sha('README.txt')} | — | — |`);
    expect(r.stdout).toMatch(
      new RegExp(`\\| emaint-egress\\.pac \\| pac \\| \\d+ \\| ${sha('emaint-egress.pac')} \\| catalogue 1\\.0\\.0; cca, cdca-v2; exact; `),
    );
    expect(r.stdout).not.toMatch(/\| old \||lock/);
    // A manifest left by a write killed between renames: the report says the set may be mixed.
    writeFileSync(
      join(rules, '.emaint-egress.manifest.json'),
      JSON.stringify({ emaintEgressWrite: 1, pid: 4242, files: [{ name: 'emaint-egress.pac', sha256: '0'.repeat(64) }] }),
    );
    const mixed = await cli('report', '--run', fixture('customer'), '--rules', rules, '--format', 'md');
    expect(mixed.stdout).toContain(
      `- the last write into ${rules} (pid 4242) was interrupted: no file from that run, emaint-egress.pac from before; render again with --force\n`,
    );
    // Rules made for other agents than any run checked are named.
    expect(mixed.stdout).not.toContain('was made for');
    const other = tmp();
    expect((await cli('render', '--agents', 'rdms', '--target', 'csv', '--out', other)).code).toBe(0);
    expect((await cli('render', '--agents', 'rdms', '--target', 'squid', '--out', other)).code).toBe(0);
    const wrong = await cli('report', '--run', fixture('customer'), '--rules', other, '--format', 'md');
    expect(wrong.stdout).toContain(
      '- emaint-egress.squid.conf was made for catalogue 1.0.0 and agents rdms; the runs checked catalogue 1.0.0 and agents cca, cdca-v2\n',
    );
    expect(existsSync(join(other, '.emaint-egress.lock'))).toBe(false);
  });

  it('a symbolic link in the rules folder is named, not followed: its file is not what render wrote there', async () => {
    const rules = tmp();
    const site = join(tmp(), 'site.json');
    writeFileSync(site, JSON.stringify(customerProfile()));
    expect((await cli('render', '--profile', site, '--target', 'nftables', '--out', rules)).code).toBe(0);
    // The rules moved elsewhere, and a link left in their place; and a link to a file of the system.
    const elsewhere = join(tmp(), 'emaint-egress.nft');
    renameSync(join(rules, 'emaint-egress.nft'), elsewhere);
    symlinkSync(elsewhere, join(rules, 'emaint-egress.nft'));
    symlinkSync('/etc/hostname', join(rules, 'notes.txt'));
    const r = await cli('report', '--run', fixture('customer'), '--rules', rules, '--format', 'md');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`- emaint-egress.nft is a symbolic link to ${elsewhere}, not a file render writes: not listed\n`);
    expect(r.stdout).toContain('- notes.txt is a symbolic link to /etc/hostname, not a file render writes: not listed\n');
    const table = r.stdout.slice(r.stdout.indexOf('| File |'));
    expect(table).not.toMatch(/^\| (emaint-egress\.nft|notes\.txt) \|/m);
    expect(table).toMatch(/^\| emaint-egress\.nftables\.dnsmasq\.conf \| nftables \|/m);
    // A folder of links only holds no rules files.
    const links = tmp();
    symlinkSync(elsewhere, join(links, 'emaint-egress.nft'));
    expect((await cli('report', '--run', fixture('customer'), '--rules', links)).stderr).toMatch(
      /--rules .* holds no files \(only symbolic links, not followed\); give the folder render --out wrote\n$/,
    );
  });

  it('rules made without the run’s site endpoint, or for other agents and options, are named', async () => {
    const customer = customerProfile();
    const checked = 'the runs with its agents checked options none and site endpoints fw.canon-regional.example';
    for (const [profile, named] of [
      [{ ...customer, endpoints: [] }, `was made for options none and site endpoints none; ${checked}`],
      [
        { ...customer, agents: ['cca', 'cdca-v2', 'erds'], options: ['cca-activation'] },
        'was made for catalogue 1.0.0 and agents cca, cdca-v2, erds; the runs checked catalogue 1.0.0 and agents cca, cdca-v2',
      ],
    ] as const) {
      const rules = tmp();
      const site = join(tmp(), 'site.json');
      writeFileSync(site, JSON.stringify(profile));
      expect((await cli('render', '--profile', site, '--target', 'nftables', '--out', rules)).code).toBe(0);
      const r = await cli('report', '--run', fixture('customer'), '--rules', rules, '--format', 'md');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`- emaint-egress.nft ${named}\n`);
    }
    // Many endpoints: the header lists them over several lines, and they are read back whole.
    const many = Array.from({ length: 8 }, (_, i) => ({
      host: `host-${i}.a-long-domain-name-for-the-header.example`,
      ports: [443],
      reason: 'r',
      requestedBy: 'me',
    }));
    const rules = tmp();
    const site = join(tmp(), 'site.json');
    writeFileSync(site, JSON.stringify({ ...customer, endpoints: many }));
    expect((await cli('render', '--profile', site, '--target', 'pfsense', '--out', rules)).code).toBe(0);
    const r = await cli('report', '--run', fixture('customer'), '--rules', rules, '--format', 'md');
    expect(r.stdout).toContain(`- emaint-egress.xml was made for options none and site endpoints ${many.map((e) => e.host).join(', ')}; ${checked}\n`);
  });
});
