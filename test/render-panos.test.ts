// The PAN-OS target: configure-mode `set` commands and the XML API file, both checked
// against the plan. Objects come before the lines that use them, names are valid, address
// objects hold only planned hosts and --source networks, the rules open exactly the
// planned flows (in wildcard mode: the used vendor wildcards on tcp/443 by URL category,
// everything else by exact host) with the App-IDs those flows need; the XML is
// well-formed (xmllint) and holds exactly what the set file holds; the Panorama form puts
// it all in the device group and its pre-rulebase.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { type Plan, plan } from '../src/core/planner.js';
import { catalogue } from './helpers/catalogue.js';
import { cli } from './helpers/cli.js';
import { type Expectation, checkPanos, configOf, readPanosXml, tokenize } from './helpers/panos.js';
import { type IotPort, MODES, type Mode, PLANS, type PlanVariant, describeRenderMatrix, keptFlows } from './helpers/render-variants.js';
import { requireSystem } from './helpers/system.js';
import { tempDirs } from './helpers/tmp.js';

const SOURCES: { label: string; flag: string | null; cidrs: string[] }[] = [
  { label: 'no --source', flag: null, cidrs: [] },
  { label: 'IPv4 + IPv6 sources', flag: '10.20.0.0/24,2001:db8:20::/64', cidrs: ['10.20.0.0/24', '2001:db8:20::/64'] },
];
const SET = 'emaint-egress.set';
const XML = 'emaint-egress.panos.xml';
const tmp = tempDirs('ee-panos-');
const xmllint = requireSystem('PAN-OS XML well-formedness (xmllint)', ['xmllint']);

/** Renders into a folder of its own: the target writes two files. */
async function render(...args: string[]) {
  const out = join(tmp(), 'out');
  const r = await cli(...args, '--out', out);
  const files = r.code === 0 ? readdirSync(out).sort() : [];
  const read = (f: string) => (files.includes(f) ? readFileSync(join(out, f), 'utf8') : '');
  return { ...r, files, set: read(SET), xml: read(XML) };
}

/** Well-formed by libxml2, which is strict where fast-xml-parser is lenient (undefined entities, `--` in comments). */
function expectWellFormed(xml: string): void {
  expect(XMLValidator.validate(xml)).toBe(true);
  if (!xmllint) return;
  const r = spawnSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}

/** The XML file holds exactly the set file's objects, rules and moves, in the same order. */
function expectSameAsSet(set: ReturnType<typeof checkPanos>, xml: string, deviceGroup: string | null = null): void {
  const read = readPanosXml(xml, deviceGroup);
  expect(read.problems).toEqual([]);
  expect(read.form).toBe(deviceGroup === null ? 'firewall' : 'panorama');
  expect(configOf(read.objects, read.rules, read.moves)).toEqual(configOf(set.objects, set.rules, set.moves));
}

// ---------------------------------------------------------------------------------
// Expectations from the plan

function expectation(p: Plan, mode: Mode, iotPort: IotPort, sources: string[]): Expectation | null {
  const flows = keptFlows(p, iotPort);
  if (flows === null) return null;
  const wildcardOf = (host: string) => p.wildcards.find((w) => w.covers.includes(host))?.pattern ?? null;
  const pairs = new Set<string>();
  const covers = new Map<string, string[]>();
  for (const f of flows) {
    const w = mode === 'wildcard' && f.port === 443 ? wildcardOf(f.host) : null;
    if (w) covers.set(w, [...(covers.get(w) ?? []), f.host]);
    pairs.add(`${w ?? f.host}|${f.port}`);
  }
  return { pairs, hosts: new Set(p.hosts), sources, wildcards: [...covers.keys()], covers };
}

function argv(pv: PlanVariant, mode: Mode, iot: IotPort, source: string | null): string[] {
  const a = ['render', '--agents', pv.agentsFlag, ...pv.options.map((o) => `--${o}`), '--target', 'panos', '--mode', mode, '--iot-port', iot];
  if (source !== null) a.push('--source', source);
  return a;
}

// ---------------------------------------------------------------------------------

describe('tokenize', () => {
  it('splits words, quoted values and lists', () => {
    expect(tokenize(`set a "b c" 'd "e"' [ f g ] h`)).toEqual(['set', 'a', 'b c', 'd "e"', ['f', 'g'], 'h']);
  });
  it('refuses unbalanced quotes and brackets', () => {
    expect(() => tokenize('set a "b')).toThrow(/unterminated/);
    expect(() => tokenize('set a [ b')).toThrow(/unclosed/);
    expect(() => tokenize('set a ] b')).toThrow(/without/);
    expect(() => tokenize('set a [ [ b ] ]')).toThrow(/nested/);
  });
});

describe('render --target panos', () => {
  describeRenderMatrix({
    argv,
    sources: SOURCES,
    claim: 'objects before use, exactly the planned flows, the same in XML',
    body: async ({ pv, p, iot, kept, mode, src }) => {
      const want = expectation(p, mode, iot, src.cidrs);
      expect(want).not.toBeNull();
      if (want === null) return;
      const r = await render(...argv(pv, mode, iot, src.flag));
      expect(r.code, r.stderr).toBe(0);
      expect(r.files).toEqual([XML, SET]);
      const checked = checkPanos(r.set, want);
      expect(checked.problems).toEqual([]);
      expect(checked.pairs).toEqual(want.pairs);
      expectWellFormed(r.xml);
      expectSameAsSet(checked, r.xml);
      if (mode === 'exact') {
        expect(want.wildcards).toEqual([]);
        // Exact mode: exactly the planned (host, port) pairs, and no * anywhere in a command.
        expect(checked.pairs).toEqual(new Set(kept.map((f) => `${f.host}|${f.port}`)));
        expect(r.set.split('\n').filter((l) => l.startsWith('set ') && l.includes('*'))).toEqual([]);
      } else {
        // Every used wildcard is listed once, with the trailing slash.
        const list = r.set.split('\n').find((l) => / custom-url-category \S+ list /.test(l)) ?? '';
        const entries = tokenize(list).find(Array.isArray) ?? [];
        expect([...entries].sort()).toEqual(want.wildcards.map((w) => `${w}/`).sort());
        // A wildcard-covered host on another port is allowed by name: the rules keep the
        // wildcards to 443, so no URL-category warning is needed.
        expect(r.stderr).not.toContain('URL categories match web traffic only');
      }
      expect(checked.rules.length).toBeGreaterThan(0);
    },
  });

  it('writes two files, so stdout needs --out', async () => {
    const r = await cli('render', '--agents', 'cca', '--target', 'panos');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`emaint-egress render: --target panos writes 2 files (${SET}, ${XML}); pass --out DIR\n`);
  });

  // The checkers must catch broken output, or the tests above prove nothing.
  describe('the checkers catch broken files', () => {
    const pv = PLANS[0] as PlanVariant;
    const p = plan(catalogue, { agents: pv.agents, options: pv.options });
    const run = (mode: Mode) => render(...argv(pv, mode, 'both', '10.20.0.0/24'));
    const want = (mode: Mode) => expectation(p, mode, 'both', ['10.20.0.0/24']) as Expectation;

    it('accept the real output', async () => {
      for (const mode of MODES) {
        const r = await run(mode);
        const checked = checkPanos(r.set, want(mode));
        expect(checked.problems).toEqual([]);
        expectSameAsSet(checked, r.xml);
      }
    });

    it('a rule before its objects, and an undefined member', async () => {
      const text = (await run('exact')).set;
      const lines = text.split('\n');
      const rule = lines.findIndex((l) => l.startsWith('set rulebase '));
      const moved = [lines[rule] ?? '', ...lines.slice(0, rule), ...lines.slice(rule + 1)].join('\n');
      expect(checkPanos(moved, want('exact')).problems.join('\n')).toMatch(/before its definition/);
      const undefinedMember = text.replace(/static \[ emaint-/, 'static [ emaint-missing emaint-');
      expect(checkPanos(undefinedMember, want('exact')).problems.join('\n')).toMatch(/uses emaint-missing, which is never defined/);
    });

    it('an extra port, a wildcard FQDN, an unquoted description and a name with a period', async () => {
      const text = (await run('exact')).set;
      const extraPort = text.replace(/service \[ emaint-tcp-443 \]/, 'service [ emaint-tcp-443 emaint-tcp-8883 ]');
      expect(checkPanos(extraPort, want('exact')).problems.join('\n')).toMatch(/rules open flows the plan does not have: .*\|8883/);
      const star = text.replace(/fqdn gdlp01\.c-wss\.com/, 'fqdn *.c-wss.com');
      const problems = checkPanos(star, want('exact')).problems.join('\n');
      expect(problems).toMatch(/contains \*/);
      expect(problems).toMatch(/miss planned flows: gdlp01\.c-wss\.com\|443/);
      const unquoted = text.replace(/description "([^"]*)"/, 'description "$1');
      expect(checkPanos(unquoted, want('exact')).problems.join('\n')).toMatch(/unterminated/);
      const period = text.replaceAll('emaint-gdlp01_c-wss_com', 'emaint-gdlp01.c-wss.com');
      expect(checkPanos(period, want('exact')).problems.join('\n')).toMatch(/"emaint-gdlp01\.c-wss\.com" is not a valid PAN-OS name/);
    });

    it('application any, or an App-ID the flows do not need', async () => {
      const text = (await run('exact')).set;
      const any = text.replace('application [ ssl web-browsing ]', 'application any');
      expect(checkPanos(any, want('exact')).problems.join('\n')).toMatch(/rule emaint-egress-tcp-443: application any, want ssl web-browsing/);
      const mqtt = text.replace('application [ ssl web-browsing ]', 'application [ mqtt ssl web-browsing ]');
      expect(checkPanos(mqtt, want('exact')).problems.join('\n')).toMatch(/application mqtt,ssl,web-browsing, want ssl web-browsing/);
    });

    it('a wildcard category missing an entry or its trailing slash', async () => {
      const text = (await run('wildcard')).set;
      const noSlash = text.replace('*.srv.ygles.com/ ', '*.srv.ygles.com ');
      expect(checkPanos(noSlash, want('wildcard')).problems.join('\n')).toMatch(/is not \*\.domain\//);
      const dropped = text.replace('*.c-cdsknn.net/ ', '');
      expect(checkPanos(dropped, want('wildcard')).problems.join('\n')).toMatch(/miss planned flows: \*\.c-cdsknn\.net\|443/);
    });

    it('XML that differs from the set file, or is not well-formed', async () => {
      const r = await run('wildcard');
      const set = checkPanos(r.set, want('wildcard'));
      const differs = (xml: string) => expect(() => expectSameAsSet(set, xml)).toThrow();
      differs(r.xml.replace('<member>emaint-tcp-8883</member>', '<member>emaint-tcp-443</member>'));
      differs(r.xml.replace('<member>*.srv.ygles.com/</member>', ''));
      differs(r.xml.replace('<fqdn>gdlp01.c-wss.com</fqdn>', '<fqdn>gdlp01.c-wss.com.evil.example</fqdn>'));
      differs(r.xml.replace('<member>web-browsing</member>', ''));
      differs(r.xml.replace(/ where="top"\/>/, ' where="bottom"/>'));
      // An object after the rule that uses it: the order differs from the set file's.
      const service = /\n {2}<set xpath="[^"]*\/service">[\s\S]*?<\/set>/.exec(r.xml)?.[0] ?? '';
      differs(r.xml.replace(service, '').replace('\n</emaint-egress>', `${service}\n</emaint-egress>`));
      differs(r.xml.replace('/vsys/entry', "/vsys/entry[@name='vsys2']/x"));
      if (xmllint) {
        for (const broken of [
          r.xml.replace('<description>eMaintenance', '<description>e&Maintenance'),
          r.xml.replace('<!-- mode:', '<!-- mo--de:'),
          r.xml.replace('</emaint-egress>', ''),
        ]) {
          expect(spawnSync('xmllint', ['--noout', '-'], { input: broken, encoding: 'utf8' }).status).not.toBe(0);
        }
      }
    });
  });
});

describe('PAN-OS options', () => {
  const p = plan(catalogue, { agents: ['cca', 'rdms'], options: [] });
  const base = ['render', '--agents', 'cca,rdms', '--target', 'panos', '--source', '10.20.0.0/24'];
  const want = (extra: Partial<Expectation> = {}) => ({ ...(expectation(p, 'exact', 'both', ['10.20.0.0/24']) as Expectation), ...extra });

  it('no log setting or profile group unless given; with them, on every rule in both files', async () => {
    const bare = await render(...base);
    expect(bare.set).not.toMatch(/log-setting|profile-setting/);
    expect(bare.xml).not.toMatch(/<log-setting>|<profile-setting>/);
    const r = await render(...base, '--log-setting', 'Forward to Panorama', '--profile-group', 'best-practice');
    expect(r.code, r.stderr).toBe(0);
    const checked = checkPanos(r.set, want({ logSetting: 'Forward to Panorama', profileGroup: 'best-practice' }));
    expect(checked.problems).toEqual([]);
    expect(r.set).toContain('set rulebase security rules emaint-egress-tcp-443 log-setting "Forward to Panorama"\n');
    expect(r.set).toContain('set rulebase security rules emaint-egress-tcp-443 profile-setting group best-practice\n');
    expectWellFormed(r.xml);
    expectSameAsSet(checked, r.xml);
  });

  it('--device-group: objects in the device group, rules in its pre-rulebase, xpaths to match', async () => {
    const r = await render(...base, '--device-group', 'Branch Offices', '--position', 'before:Deny all');
    expect(r.code, r.stderr).toBe(0);
    const checked = checkPanos(r.set, want({ deviceGroup: 'Branch Offices' }));
    expect(checked.problems).toEqual([]);
    expect(r.set).toContain('set device-group "Branch Offices" address emaint-src-1 ip-netmask 10.20.0.0/24\n');
    expect(r.set).toContain('move device-group "Branch Offices" pre-rulebase security rules emaint-egress-tcp-443 before "Deny all"\n');
    expect(r.set).toMatch(/push to\s+(# )?device group "Branch Offices"/);
    // The firewall form's checker refuses it: every line is in the device group.
    expect(checkPanos(r.set, want()).problems.join('\n')).toMatch(/is not in the firewall config/);
    expectWellFormed(r.xml);
    expectSameAsSet(checked, r.xml, 'Branch Offices');
    expect(r.xml).toContain(
      `<set xpath="/config/devices/entry[@name='localhost.localdomain']/device-group/entry[@name='Branch Offices']/pre-rulebase/security/rules">`,
    );
    expect(r.xml).toContain(
      `<move xpath="/config/devices/entry[@name='localhost.localdomain']/device-group/entry[@name='Branch Offices']/pre-rulebase/security/rules/entry[@name='emaint-egress-tcp-443']" where="before" dst="Deny all"/>`,
    );
    expect(r.xml).not.toContain('/vsys/');
    expect(r.stdout).toContain("paste in Panorama's configure mode, commit, then push to device group Branch Offices");
  });

  it.each([
    ['--device-group', 'a'.repeat(32), /--device-group is not valid|--device-group: '.*' is not valid/],
    ['--device-group', 'dg/1', /--device-group: 'dg\/1' is not valid/],
    ['--log-setting', "it's", /--log-setting: .* is not valid/],
    ['--profile-group', 'a'.repeat(64), /--profile-group: .* is not valid/],
  ])('%s %s is refused with one line', async (flag, value, message) => {
    const r = await cli(...base, flag, value, '--out', join(tmp(), 'out'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('App-IDs: HTTPS hosts get ssl and web-browsing, the IoT endpoint also mqtt (8883) and aws-iot; services stay the planned ports', async () => {
    const r = await render(...base);
    const rules = checkPanos(r.set, want()).rules;
    const apps = Object.fromEntries(rules.map((x) => [x.name, x.props.get('application')]));
    expect(apps).toEqual({ 'emaint-egress-tcp-443': ['ssl', 'web-browsing'], 'emaint-egress-tcp-443-8883': ['aws-iot', 'mqtt', 'ssl', 'web-browsing'] });
    for (const rule of rules) expect(rule.props.get('service')).not.toContain('application-default');
  });
});

describe("PAN-OS: rules are moved where the site's deny-all cannot hide them", () => {
  const moves = (text: string) => text.split('\n').filter((l) => l.startsWith('move '));
  it('to the top by default, in reverse order so that they keep their own order', async () => {
    const r = await render('render', '--agents', 'cca', '--target', 'panos');
    const rules = r.set
      .split('\n')
      .filter((l) => / description /.test(l) && l.startsWith('set rulebase'))
      .map((l) => l.split(' ')[4]);
    expect(moves(r.set)).toEqual([...rules].reverse().map((n) => `move rulebase security rules ${n} top`));
  });
  it('before a named rule, in order; or left at the bottom', async () => {
    const before = await render('render', '--agents', 'cca', '--target', 'panos', '--position', 'before:Deny all');
    expect(moves(before.set)).toEqual([
      'move rulebase security rules emaint-egress-tcp-443 before "Deny all"',
      'move rulebase security rules emaint-egress-tcp-443-8883 before "Deny all"',
    ]);
    const bottom = await render('render', '--agents', 'cca', '--target', 'panos', '--position', 'bottom');
    expect(moves(bottom.set)).toEqual([
      'move rulebase security rules emaint-egress-tcp-443 bottom',
      'move rulebase security rules emaint-egress-tcp-443-8883 bottom',
    ]);
  });
});

describe("the README's XML API script", () => {
  const python = requireSystem("the README's PAN-OS XML API script", ['python3']);
  /** The Python part of the README's script, as a user copies it. */
  function readmeScript(): string {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const m = /python3 - rules\/emaint-egress\.panos\.xml > requests\.txt <<'PY'\n([\s\S]*?)\nPY\n/.exec(readme);
    expect(m, 'the script in README.md, section PAN-OS').not.toBeNull();
    return m?.[1] ?? '';
  }
  const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

  it.skipIf(!python).each([[[]], [['--device-group', 'Branch Offices', '--position', 'before:Deny all', '--mode', 'wildcard']]])(
    'turns the XML file into requests that carry exactly the set file (%j)',
    async (extra: string[]) => {
      const p = plan(catalogue, { agents: ['cca', 'rdms'], options: [] });
      const deviceGroup = extra.includes('--device-group') ? 'Branch Offices' : null;
      const mode: Mode = extra.includes('wildcard') ? 'wildcard' : 'exact';
      const r = await render('render', '--agents', 'cca,rdms', '--target', 'panos', '--source', '10.20.0.0/24', ...extra);
      expect(r.code, r.stderr).toBe(0);
      const dir = tmp();
      const file = join(dir, XML);
      writeFileSync(file, r.xml);
      const py = spawnSync('python3', ['-', file], { input: readmeScript(), encoding: 'utf8' });
      expect(py.stderr).toBe('');
      expect(py.status).toBe(0);
      // Each line is one request body; rebuilt as the file's own elements, they must read
      // back as exactly what the set file configures.
      const requests = py.stdout
        .trimEnd()
        .split('\n')
        .map((line) => new URLSearchParams(line));
      expect(new Set(requests.map((q) => q.get('type')))).toEqual(new Set(['config']));
      const rebuilt = requests.map((q) =>
        q.get('action') === 'set'
          ? `<set xpath="${attr(q.get('xpath') ?? '')}">${q.get('element')}</set>`
          : `<move xpath="${attr(q.get('xpath') ?? '')}" where="${q.get('where')}"${q.has('dst') ? ` dst="${attr(q.get('dst') ?? '')}"` : ''}/>`,
      );
      const form = deviceGroup === null ? 'firewall' : 'panorama';
      const want = { ...(expectation(p, mode, 'both', ['10.20.0.0/24']) as Expectation), deviceGroup };
      const checked = checkPanos(r.set, want);
      expect(checked.problems).toEqual([]);
      expectSameAsSet(checked, `<emaint-egress form="${form}">${rebuilt.join('\n')}</emaint-egress>`, deviceGroup);
    },
  );
});
