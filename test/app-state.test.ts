// The app's state without ink: the reducers, the key map and the layout helpers are pure,
// so each rule of the app is tested here directly.
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../src/core/check/result.js';
import { parseProfile, profileJson } from '../src/core/profile.js';
import { loadCatalogue } from '../src/io/catalogue-file.js';
import { agentsReducer, agentsStep } from '../src/ui/state/agents.js';
import { moveCursor, windowAround } from '../src/ui/state/cursor.js';
import { type KeyPress, NO_KEY, appKey, keyAction, splitKeys } from '../src/ui/state/keys.js';
import { TARGETS } from '../src/core/render/target.js';
import { buildRules } from '../src/core/rules.js';
import { checkLines, flowDetailLines, flowDetailRows, flowListRows, resultWindowRows, wildcardLines, wrapLines } from '../src/ui/text-layout.js';
import { checkSite, siteStep } from '../src/ui/state/site.js';
import { MAX_FIELD, textField, textReducer } from '../src/ui/state/text-field.js';
import { type WizardAction, type WizardState, answersOf, initialWizard, wizardReducer } from '../src/ui/state/wizard.js';
import { makeTheme } from '../src/ui/theme.js';
import { targets } from '../src/core/render/index.js';
import { settingRows } from '../src/ui/state/target-settings.js';
import { checkOutput } from './helpers/check-output.js';

const catalogue = loadCatalogue();
const SIZE = { columns: 80, rows: 24 };
const key = (k: Partial<KeyPress>, input = ''): WizardAction => ({ type: 'key', input, key: { ...NO_KEY, ...k }, size: SIZE });
const text = (input: string): WizardAction => ({ type: 'key', input, key: NO_KEY, size: SIZE });
const ENTER = key({ return: true });
const ESC = key({ escape: true });
const DOWN = key({ downArrow: true });
const TAB = key({ tab: true });
const RIGHT = key({ rightArrow: true });
const LEFT = key({ leftArrow: true });
const CTRL_U = key({ ctrl: true }, 'u');

function wizard(answers: Parameters<typeof initialWizard>[0]['answers'] = null): WizardState {
  return initialWizard({ catalogue, answers, loadedProfile: null, envPassword: undefined });
}
const reduce = (s: WizardState, ...actions: WizardAction[]) => actions.reduce(wizardReducer, s);

describe('text field', () => {
  it('edits at the cursor', () => {
    let f = textField('1020');
    f = textReducer(f, { type: 'left' });
    f = textReducer(f, { type: 'left' });
    f = textReducer(f, { type: 'insert', text: '.' });
    expect(f).toEqual({ value: '10.20', cursor: 3 });
    f = textReducer(textReducer(f, { type: 'home' }), { type: 'backspace' });
    expect(f).toEqual({ value: '10.20', cursor: 0 });
    expect(textReducer(f, { type: 'clear' })).toEqual({ value: '', cursor: 0 });
  });

  it('keeps pasted escape sequences, newlines and bidi controls out, and bounds the length', () => {
    const f = textReducer(textField(), { type: 'insert', text: '10.0.0.0/8\u001b[2J\n\u202e,x' });
    expect(f.value).toBe('10.0.0.0/8[2J,x');
    expect(textReducer(textField(), { type: 'insert', text: 'a'.repeat(MAX_FIELD + 50) }).value).toHaveLength(MAX_FIELD);
    // Code points, not UTF-16 units: an emoji is one step of the cursor.
    expect(textReducer(textField('a😀'), { type: 'backspace' }).value).toBe('a');
  });
});

describe('lists and windows', () => {
  it('moves within bounds', () => {
    expect(moveCursor(0, 5, 'up')).toBe(0);
    expect(moveCursor(4, 5, 'down')).toBe(4);
    expect(moveCursor(1, 30, 'pagedown')).toBe(11);
    expect(moveCursor(3, 30, 'end')).toBe(29);
    expect(moveCursor(0, 0, 'down')).toBe(0);
  });

  it('keeps the cursor in the window', () => {
    expect(windowAround(0, 5, 10)).toEqual({ start: 0, end: 5, above: 0, below: 0 });
    for (let c = 0; c < 22; c++) {
      const w = windowAround(c, 22, 7);
      expect(w.end - w.start).toBe(7);
      expect(c >= w.start && c < w.end).toBe(true);
    }
  });
});

describe('agents', () => {
  it('an option chooses its agent; dropping the agent drops the option', () => {
    let s = agentsStep(catalogue);
    const option = s.rows.findIndex((r) => r.kind === 'option');
    s = agentsReducer({ ...s, cursor: option }, { type: 'toggle' });
    expect(s.agents).toEqual(['erds']);
    expect(s.options).toEqual(['cca-activation']);
    s = agentsReducer({ ...s, cursor: option - 1 }, { type: 'toggle' });
    expect(s).toMatchObject({ agents: [], options: [] });
  });

  it('keeps the choice in catalogue order, and a toggles all', () => {
    let s = agentsStep(catalogue);
    s = agentsReducer({ ...s, cursor: 9 }, { type: 'toggle' });
    s = agentsReducer({ ...s, cursor: 0 }, { type: 'toggle' });
    expect(s.agents).toEqual(['cca', 'backup']);
    s = agentsReducer(s, { type: 'all' });
    expect(s.agents).toEqual(catalogue.agents.map((a) => a.id));
    expect(agentsReducer(s, { type: 'all' }).agents).toEqual([]);
  });
});

describe('site details', () => {
  const ctx = { catalogue, plan: null, envPassword: undefined };
  const site = (fields: Partial<Record<'site' | 'sources' | 'proxy' | 'password' | 'dnsServer', string>>) => {
    const s = siteStep({ site: null, sources: [], proxy: null, dnsServer: null, mode: 'exact', iotPort: 'both' });
    return { ...s, text: { ...s.text, ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, textField(v)])) } };
  };

  it('empty fields are valid and mean any source, direct, the default resolver', () => {
    expect(checkSite(site({}), ctx)).toEqual({
      ok: true,
      values: { site: null, sources: [], proxy: null, proxyText: null, dnsServer: null, mode: 'exact', iotPort: 'both' },
    });
  });

  it.each([
    [{ sources: '10.20.0.5/24' }, 'sources', "subnets: '10.20.0.5/24' has host bits set; did you mean 10.20.0.0/24?"],
    [{ sources: '10.20.0.0/33' }, 'sources', 'bad prefix length; valid: 0 to 32'],
    [{ sources: '010.1.1.0/24' }, 'sources', 'is not an address or network'],
    [{ dnsServer: 'dns.example.com' }, 'dnsServer', 'DNS server:'],
    [{ proxy: 'https://p:3128' }, 'proxy', 'only http:// proxies are supported'],
    [{ proxy: 'http://p:3128', password: 'x' }, 'password', 'a password needs a proxy user'],
    [{ site: 'x'.repeat(81) }, 'site', 'site name is longer than 80 characters'],
  ])('%j is refused inline on its field', (fields, field, message) => {
    const r = checkSite(site(fields), ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[field as keyof typeof r.errors]).toContain(message);
  });

  it('an IoT port that cuts a chosen agent off is refused on the IoT port field', () => {
    const s = reduce(wizard({ agents: ['cdca-v2-cca'], iotPort: '8883' }), ENTER);
    const r = checkSite(s.site, { catalogue, plan: s.plan, envPassword: undefined });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.iotPort).toMatch(/^IoT port 8883: cdca-v2-cca reaches .* on port 443 only .*valid here: 443, both$/);
  });

  it('the proxy password comes from the field or $EMAINT_PROXY_PASSWORD, and is never kept for the profile', () => {
    const typed = checkSite(site({ proxy: 'http://svc@127.0.0.1:3128', password: 'pw' }), ctx);
    const fromEnv = checkSite(site({ proxy: 'http://svc:inline@127.0.0.1:3128' }), { ...ctx, envPassword: 'env' });
    expect(typed.ok && typed.values.proxy?.auth).toEqual({ user: 'svc', password: 'pw' });
    expect(typed.ok && typed.values.proxyText).toBe('http://svc@127.0.0.1:3128');
    expect(fromEnv.ok && fromEnv.values.proxy?.auth).toEqual({ user: 'svc', password: 'inline' });
    expect(fromEnv.ok && fromEnv.values.proxyText).toBe('http://svc@127.0.0.1:3128');
  });
});

describe('the wizard', () => {
  it('goes on only with an agent chosen and valid site details', () => {
    let s = reduce(wizard(), ENTER);
    expect(s.step).toBe('agents');
    expect(s.agents.error).toMatch(/^choose at least one agent/);
    s = reduce(s, key({}, ' '), ENTER);
    expect(s.step).toBe('site');
    expect(s.plan?.agents).toEqual(['cca']);
    s = reduce(s, DOWN, text('10.1.2.5/24'), ENTER);
    expect(s).toMatchObject({ step: 'site', site: { focus: 1, error: 'fix the marked field first' } });
    s = reduce(s, key({ ctrl: true }, 'u'), text('10.1.2.0/24'), ENTER);
    expect(s.step).toBe('plan');
    expect(s.values?.sources.map((x) => x.cidr)).toEqual(['10.1.2.0/24']);
    expect(reduce(s, ESC, ESC).step).toBe('agents');
  });

  it('keys that arrive together are read one by one, against the state each one finds', () => {
    const burst = splitKeys(' \r', NO_KEY).map(({ input, key: k }) => ({ type: 'key', input, key: k, size: SIZE }) as WizardAction);
    const s = reduce(wizard(), ...burst);
    expect(s.step).toBe('site');
    expect(s.agents.agents).toEqual(['cca']);
    expect(splitKeys('ab', NO_KEY).map((k) => k.input)).toEqual(['a', 'b']);
    expect(splitKeys('\u0003', NO_KEY)).toEqual([{ input: '\u0003', key: NO_KEY }]);
    expect(splitKeys('x\u0003', NO_KEY)[1]).toEqual({ input: 'c', key: { ...NO_KEY, ctrl: true } });
    // Ctrl-U then text: the field is cleared, then filled.
    const field = reduce(wizard({ agents: ['cca'] }), ENTER, text('10.20.0.5/24'));
    const burst2 = splitKeys('\u001510.20.0.0/24', NO_KEY).map(({ input, key: k }) => ({ type: 'key', input, key: k, size: SIZE }) as WizardAction);
    expect(reduce(field, ...burst2).site.text.site.value).toBe('10.20.0.0/24');
  });

  it('Ctrl-C is quit everywhere, even inside a text field; space types a space in a field', () => {
    const inField = reduce(wizard({ agents: ['cca'] }), ENTER);
    expect(keyAction(inField, 'c', { ...NO_KEY, ctrl: true }, SIZE)).toEqual({ type: 'quit' });
    expect(keyAction(wizard(), 'c', { ...NO_KEY, ctrl: true }, SIZE)).toEqual({ type: 'quit' });
    expect(reduce(inField, text('ACME'), text(' '), text('Utrecht')).site.text.site.value).toBe('ACME Utrecht');
  });

  it('Ctrl-Z (\\x1a) is suspend everywhere, even inside a text field, and leaves the state alone', () => {
    const ctrlZ = { ...NO_KEY, ctrl: true };
    const inField = reduce(wizard({ agents: ['cca'] }), ENTER, text('10.20'));
    expect(keyAction(inField, 'z', ctrlZ, SIZE)).toEqual({ type: 'suspend' });
    expect(keyAction(wizard(), 'z', ctrlZ, SIZE)).toEqual({ type: 'suspend' });
    expect(reduce(inField, key({ ctrl: true }, 'z'))).toBe(inField);
    // As ink reports a lone \x1a (ctrl, "z"), and within keys that arrive together.
    expect(splitKeys('x\u001a', NO_KEY)[1]).toEqual({ input: 'z', key: ctrlZ });
    expect(appKey('z', ctrlZ)).toEqual({ type: 'suspend' });
    expect(appKey('z', NO_KEY)).toBeNull();
    expect(appKey('c', ctrlZ)).toEqual({ type: 'quit' });
    // A plain z is still text in a field.
    expect(reduce(inField, text('z')).site.text.site.value).toBe('10.20z');
  });

  it('a check the user walked away from cannot change the screen', () => {
    let s = reduce(wizard({ agents: ['rdms'] }), ENTER, ENTER, ENTER, ENTER);
    expect(s.check.phase).toBe('running');
    const stale = s.check.runId;
    s = reduce(s, ESC);
    expect(s.check.phase).toBe('ready');
    s = reduce(s, { type: 'check', action: { type: 'done', runId: stale, output: output([]) } });
    expect(s.check.phase).toBe('ready');
    s = reduce(s, ENTER);
    s = reduce(s, { type: 'check', action: { type: 'done', runId: s.check.runId, output: output([]) } });
    expect(s.check.phase).toBe('done');
    // New site answers make the verdict stale.
    expect(reduce(s, ESC, ESC, ENTER, ENTER).check.phase).toBe('ready');
  });

  it('writing asks first when files exist, and enter while asking is the yes', () => {
    let s = reduce(wizard({ agents: ['rdms'], targets: ['pfsense'] }), ENTER, ENTER, ENTER, text('s'), ENTER);
    expect(s.rules).toMatchObject({ phase: 'writing', force: false });
    s = reduce(s, { type: 'rules', action: { type: 'exists', paths: ['x/pfsense/emaint-egress.xml'] } });
    expect(reduce(s, ESC).rules).toMatchObject({ phase: 'choose', force: false, existing: [] });
    expect(reduce(s, ENTER).rules).toMatchObject({ phase: 'writing', force: true });
  });

  it('the answers are the profile: saved and read back unchanged', () => {
    const s = reduce(
      wizard({ agents: ['erds'], options: ['cca-activation'], mode: 'wildcard', targets: ['nftables', 'pac'], out: 'rules' }),
      ENTER,
      text('Depot'),
      DOWN,
      text('192.0.2.0/24, 2001:db8::/64'),
      DOWN,
      text('http://svc:pw@127.0.0.1:3128'),
      DOWN,
      DOWN,
      text('[::1]:5353'),
      ENTER,
    );
    const answers = answersOf(s);
    if (answers === null) throw new Error('the wizard gave no answers');
    const json = profileJson(answers);
    expect(json).not.toContain('pw');
    expect(parseProfile(JSON.parse(json), catalogue)).toEqual(answers);
  });
});

describe('the plan in wildcard mode', () => {
  it('opens on the wildcards the rules will use; tab shows the flows; exact mode has only the flows', () => {
    const s = reduce(wizard({ agents: ['cca', 'rdms'], mode: 'wildcard' }), ENTER, ENTER);
    expect(s.step).toBe('plan');
    expect(s.planStep).toEqual({ cursor: 0, pane: 'wildcards', scroll: 0 });
    // ↓ scrolls the wildcards; tab turns to the flows, where ↓ moves the cursor.
    expect(reduce(s, DOWN).planStep).toEqual({ cursor: 0, pane: 'wildcards', scroll: 1 });
    const flows = reduce(s, key({ tab: true }), DOWN);
    expect(flows.planStep).toEqual({ cursor: 1, pane: 'flows', scroll: 0 });
    expect(reduce(flows, key({ tab: true })).planStep.pane).toBe('wildcards');
    const exact = reduce(wizard({ agents: ['cca', 'rdms'] }), ENTER, ENTER);
    expect(exact.planStep.pane).toBe('flows');
    expect(keyAction(exact, '', { ...NO_KEY, tab: true }, SIZE)).toBeNull();
  });

  it('lists each wildcard with its ports, the planned hosts it lets through and the rules’ own risk for it', () => {
    const s = reduce(wizard({ agents: catalogue.agents.map((a) => a.id), mode: 'wildcard', iotPort: '443' }), ENTER, ENTER);
    if (!s.plan) throw new Error('no plan');
    const rules = buildRules(catalogue, s.plan, { mode: 'wildcard', iotPort: '443' });
    for (const width of [80, 60]) {
      const lines = wildcardLines(rules, width);
      for (const l of lines) expect([...l.text].length, l.text).toBeLessThanOrEqual(width);
      const text = lines
        .map((l) => l.text)
        .join(' ')
        .replace(/\s+/g, ' ');
      // The same warnings as the written files carry, each once, word for word.
      expect(rules.warnings.length).toBeGreaterThan(1);
      for (const w of rules.warnings) expect(text.split(`! ${w}`)).toHaveLength(2);
      expect(text).toContain('*.amazonaws.com opens all of AWS, every service in every region');
      expect(text).toContain('*.amazonaws.com · tcp/443 · for cca, cdca-v2-cca, meap-cca, backup');
      for (const d of rules.destinations.filter((x) => x.kind === 'wildcard')) {
        expect(text).toContain(`lets through the ${d.hosts.length} planned host${d.hosts.length === 1 ? '' : 's'} ${d.hosts.join(', ')}`);
      }
      expect(text).toContain('gdlp01.c-wss.com: no vendor wildcard covers it; allowed by its exact name');
    }
  });
});

describe('the rules step', () => {
  it('a chooses every target, and again none; in the folder field it is a letter', () => {
    let s = reduce(wizard({ agents: ['rdms'], targets: ['pac'] }), ENTER, ENTER, ENTER, text('s'));
    expect(s.step).toBe('rules');
    s = reduce(s, text('a'));
    expect(s.rules.targets).toEqual([...TARGETS]);
    s = reduce(s, text('a'));
    expect(s.rules.targets).toEqual([]);
    expect(reduce(s, text('a'), DOWN, text(' ')).rules.targets).toEqual(TARGETS.filter((t) => t !== 'iptables'));
    const folder = reduce(s, key({ tab: true }), text('a'));
    expect(folder.rules.targets).toEqual([]);
    expect(folder.rules.out.value).toBe('emaint-egress-rulesa');
  });
});

describe("the rules step: the chosen targets' settings", () => {
  const atRules = (answers: Parameters<typeof wizard>[0]) => reduce(wizard(answers), ENTER, ENTER, ENTER, text('s'));

  it("lists each chosen target's declared options, in order, and nothing for the others", () => {
    const rows = settingRows(['pac', 'iptables']);
    expect(rows.map((r) => `${r.target}.${r.option.name}`)).toEqual([
      ...targets.iptables.options.map((o) => `iptables.${o.name}`),
      ...targets.pac.options.map((o) => `pac.${o.name}`),
    ]);
    expect(rows.map((r) => r.first)).toEqual([true, ...targets.iptables.options.slice(1).map(() => false), true, false]);
    // Every option of every target gets a field, straight from the declarations.
    const s = atRules({ agents: ['rdms'] });
    for (const t of TARGETS) expect(Object.keys(s.rules.settings[t])).toEqual(targets[t].options.map((o) => o.name));
  });

  it('tab goes round the targets, their settings and the folder; shift-tab the other way; no target chosen: no settings', () => {
    let s = atRules({ agents: ['rdms'], targets: ['iptables'] });
    expect(s.rules.focus).toBe('targets');
    s = reduce(s, TAB);
    expect(s.rules.focus).toBe('settings');
    expect(reduce(s, TAB).rules.focus).toBe('out');
    expect(reduce(s, TAB, TAB).rules.focus).toBe('targets');
    expect(reduce(s, key({ tab: true, shift: true })).rules.focus).toBe('targets');
    // In the settings, space and a are not the targets' keys; esc is still back.
    expect(reduce(s, text('a'), text(' ')).rules.targets).toEqual(['iptables']);
    expect(reduce(s, ESC).step).toBe('check');
    const none = atRules({ agents: ['rdms'] });
    expect(reduce(none, TAB).rules.focus).toBe('out');
  });

  it('a choice cycles with ←→ and space; a text is checked by its own parser; only valid values other than the default are kept, canonical', () => {
    let s = reduce(atRules({ agents: ['rdms'], targets: ['iptables'] }), TAB);
    expect(s.settings).toEqual({});
    // hook: no jump by default, then output, forward.
    s = reduce(s, RIGHT);
    expect(s.settings).toEqual({ iptables: { hook: 'output' } });
    s = reduce(s, text(' '));
    expect(s.settings).toEqual({ iptables: { hook: 'forward' } });
    expect(reduce(s, RIGHT).settings).toEqual({});
    expect(reduce(s, LEFT, LEFT).settings).toEqual({});
    s = reduce(s, DOWN, text('BEFORE:3'));
    expect(s.rules.settings.iptables['position']?.value).toBe('BEFORE:3');
    expect(s.settings).toEqual({ iptables: { hook: 'forward', position: 'before:3' } });
    // The default is not kept: a profile stays as short as the flags would be.
    expect(reduce(s, CTRL_U, text('top')).settings).toEqual({ iptables: { hook: 'forward' } });
    // ←→ move in a text field.
    expect(reduce(s, LEFT, text('x')).rules.settings.iptables['position']?.value).toBe('BEFORE:x3');
  });

  it('enter refuses a bad value and goes to it; fixed, it writes; the settings round-trip through the profile', () => {
    let s = atRules({ agents: ['rdms'], targets: ['pfsense', 'iptables'] });
    // Past pfSense's own settings (however many it declares) to iptables' hook, then back up to the first.
    const pfsenseCount = targets.pfsense.options.length;
    const downs = Array.from({ length: pfsenseCount }, () => DOWN);
    const ups = Array.from({ length: pfsenseCount + 1 }, () => key({ upArrow: true }));
    s = reduce(s, TAB, ...downs, RIGHT, RIGHT, DOWN, text('before:3'), ...ups, text('LAN'));
    expect(s.rules.setting).toBe(0);
    s = reduce(s, TAB, ENTER);
    expect(s.rules).toMatchObject({ phase: 'choose', focus: 'settings', setting: 0, error: 'fix the marked setting first' });
    s = reduce(s, CTRL_U, text('opt1'), ENTER);
    expect(s.rules.phase).toBe('writing');
    const answers = answersOf(s);
    expect(answers?.settings).toEqual({ pfsense: { interface: 'opt1' }, iptables: { hook: 'forward', position: 'before:3' } });
    const back = parseProfile(JSON.parse(profileJson(answers as NonNullable<typeof answers>)), catalogue);
    expect(back.settings).toEqual(answers?.settings);
    // A profile with settings fills the fields.
    const loaded = atRules(back);
    expect(loaded.rules.settings.pfsense['interface']?.value).toBe('opt1');
    expect(loaded.rules.settings.iptables['hook']?.value).toBe('forward');
    expect(loaded.rules.settings.iptables['position']?.value).toBe('before:3');
    expect(answersOf(loaded)?.settings).toEqual(answers?.settings);
  });
});

describe('the verdict, one flow at a time', () => {
  const long: CheckResult = {
    host: 'device.c-cdsknn.net',
    protocol: 'tcp',
    port: 443,
    agents: ['rdms'],
    status: 'tls-untrusted',
    detail: `certificate from "Evil\u001b[2J Inspection CA" not trusted (SELF_SIGNED_CERT_IN_CHAIN); ${'HEAD / answered 403 by the proxy '.repeat(3)}end-of-detail`,
    route: 'proxy 127.0.0.1:3128',
    addresses: ['127.0.0.1'],
    untried: 2,
    dns: null,
    attempts: [{ address: '127.0.0.1', result: 'ok', ms: 4 }],
    tls: {
      version: 'TLSv1.3',
      alpn: null,
      issuer: 'Evil\u001b[2J Inspection CA',
      subject: 'device.c-cdsknn.net',
      expires: '2027-01-31T00:00:00.000Z',
      error: 'SELF_SIGNED_CERT_IN_CHAIN',
    },
    issuer: 'Evil\u001b[2J Inspection CA',
    timings: { dns: 1, connect: 4, tls: 9 },
    clientCertificate: false,
  };
  const okFlow: CheckResult = { ...long, host: 'a02.c-cdsknn.net', status: 'ok', detail: 'TLSv1.3', route: 'direct', tls: null, issuer: null, attempts: [] };

  it('tab turns from the summary to the flows, the cursor on the first failure; ↑↓ pick a flow, PgUp/PgDn scroll its detail', () => {
    let s = reduce(wizard({ agents: ['rdms'] }), ENTER, ENTER, ENTER, ENTER);
    s = reduce(s, { type: 'check', action: { type: 'done', runId: s.check.runId, output: output([okFlow, long, okFlow]) } });
    expect(s.check).toMatchObject({ phase: 'done', pane: 'summary', flow: 1 });
    // In the summary ↓ scrolls the text, never the flow cursor.
    expect(reduce(s, DOWN).check.flow).toBe(1);
    s = reduce(s, key({ tab: true }));
    expect(s.check.pane).toBe('flow');
    expect(reduce(s, DOWN).check).toMatchObject({ flow: 2, scroll: 0 });
    expect(reduce(s, DOWN, DOWN, DOWN).check.flow).toBe(2);
    expect(reduce(s, key({ home: true })).check.flow).toBe(0);
    const small = { columns: 60, rows: 16 };
    const paged = reduce(s, { type: 'key', input: '', key: { ...NO_KEY, pageDown: true }, size: small });
    const room = flowDetailLines(output([okFlow, long, okFlow]), 1, 60).length - flowDetailRows(16, 3);
    expect(room).toBeGreaterThan(0);
    expect(paged.check).toMatchObject({ flow: 1, detailScroll: Math.min(10, room) });
    // Another flow starts at the top of its detail; tab goes back to the summary.
    expect(reduce(paged, DOWN).check.detailScroll).toBe(0);
    expect(reduce(paged, key({ tab: true })).check.pane).toBe('summary');
    // 80x24 and 60x16: the list, a blank line and the detail share the verdict's rows.
    for (const rows of [24, 16]) expect(flowListRows(rows, 3) + 1 + flowDetailRows(rows, 3)).toBe(resultWindowRows(rows));
  });

  it('shows the flow in full, wrapped to the width and escaped, with the causes and warnings that name it and no others', () => {
    const out = output([okFlow, long]);
    for (const width of [80, 60]) {
      const lines = flowDetailLines(out, 1, width);
      for (const l of lines) expect([...l.text].length, l.text).toBeLessThanOrEqual(width);
      const text = lines.map((l) => l.text).join('\n');
      expect(text).not.toMatch(/\u001b/);
      const folded = text.replace(/\s+/g, ' ');
      expect(folded).toContain(`✗ tls-untrusted device.c-cdsknn.net:443 · for rdms`);
      expect(folded).toContain(`${'HEAD / answered 403 by the proxy '.repeat(3)}end-of-detail`);
      expect(folded).toContain('Route proxy 127.0.0.1:3128');
      expect(folded).toContain('Addresses 127.0.0.1 (and 2 not tried)');
      expect(folded).toContain('Attempts 127.0.0.1 ok in 4 ms');
      expect(folded).toContain('TLS TLSv1.3 ·');
      expect(folded).toContain('expires 2027-01-31T00:00:00.000Z');
      for (const c of out.summary.causes) {
        expect(c.flows).toEqual(['device.c-cdsknn.net:443']);
        expect(folded).toContain(`fix: ${c.fix}`);
      }
    }
    // The ok flow: no cause of the failing one.
    const ok = flowDetailLines(out, 0, 80)
      .map((l) => l.text)
      .join(' ');
    expect(ok).toContain('✓ ok a02.c-cdsknn.net:443');
    expect(ok).not.toContain('fix:');
  });
});

describe('saving the run from the check step', () => {
  const done = () => {
    const s = reduce(wizard({ agents: ['rdms'] }), ENTER, ENTER, ENTER, ENTER);
    return reduce(s, {
      type: 'check',
      action: { type: 'done', runId: s.check.runId, output: output([]), ran: { startedAt: '2026-11-21T10:05:07.000Z', seconds: 1.5 } },
    });
  };

  it("w opens the prompt once the verdict is in, named after the run's start; not before", () => {
    const ready = reduce(wizard({ agents: ['rdms'] }), ENTER, ENTER, ENTER);
    expect(keyAction(ready, 'w', NO_KEY, SIZE)).toBeNull();
    const s = reduce(done(), text('w'));
    expect(s.check.ran).toEqual({ startedAt: '2026-11-21T10:05:07.000Z', seconds: 1.5 });
    expect(s.check.save).toMatchObject({ phase: 'ask', path: { value: 'emaint-run-20261121-1005.json' } });
  });

  it('while open the prompt takes the keys: typing edits the path (s and r are text), enter saves, esc closes', () => {
    let s = reduce(done(), text('w'), key({ ctrl: true }, 'u'), text('runs/sr.json'));
    expect(s.check.save?.path.value).toBe('runs/sr.json');
    expect(s.step).toBe('check');
    s = reduce(s, ENTER);
    expect(s.check.save).toMatchObject({ phase: 'saving', force: false });
    // The run was there already: asked, and enter again is the yes.
    s = reduce(s, { type: 'check', action: { type: 'save', action: { type: 'exists' } } });
    expect(s.check.save?.phase).toBe('confirm');
    s = reduce(s, ENTER);
    expect(s.check.save).toMatchObject({ phase: 'saving', force: true });
    s = reduce(s, { type: 'check', action: { type: 'save', action: { type: 'saved', path: 'runs/sr.json' } } });
    expect(s.check.save).toMatchObject({ phase: 'saved', savedTo: 'runs/sr.json' });
    // Once saved the step's own keys work again: enter goes on to the rules.
    expect(reduce(s, ENTER).step).toBe('rules');
    // esc closes an open prompt and stays on the step; a second esc goes back.
    const closed = reduce(done(), text('w'), ESC);
    expect([closed.step, closed.check.save]).toEqual(['check', null]);
    expect(reduce(closed, ESC).step).toBe('plan');
  });

  it('an empty path is refused in the prompt; a new run closes it', () => {
    const s = reduce(done(), text('w'), key({ ctrl: true }, 'u'), ENTER);
    expect(s.check.save).toMatchObject({ phase: 'failed', error: 'give a file name for the run' });
    expect(reduce(s, ESC, text('r')).check).toMatchObject({ phase: 'running', save: null });
  });
});

describe('layout', () => {
  it('the check verdict wraps within the width; remote text is escaped', () => {
    const bad: CheckResult = {
      host: 'a02.c-cdsknn.net',
      protocol: 'tcp',
      port: 443,
      agents: ['rdms'],
      status: 'tls-untrusted',
      detail: 'issuer "Evil\u001b[2J CA"',
      route: 'direct',
      addresses: [],
      untried: 0,
      dns: null,
      attempts: [],
      tls: null,
      issuer: 'Evil\u001b[2J Corp Inspection CA with a very long name that goes on and on',
      timings: { dns: 1, connect: 1, tls: 1 },
      clientCertificate: false,
    };
    for (const width of [80, 50]) {
      const lines = checkLines(output([bad]), width);
      for (const l of lines) expect([...l.text].length).toBeLessThanOrEqual(width);
      expect(lines.map((l) => l.text).join('\n')).not.toMatch(/\u001b/);
    }
  });

  it('the verdict keeps working client-certificate hosts out of TLS inspection, as `check` says it', () => {
    const iot: CheckResult = {
      host: 'a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com',
      protocol: 'tcp',
      port: 8883,
      agents: ['cca'],
      status: 'ok',
      detail: 'TLSv1.3',
      route: 'direct',
      addresses: ['127.0.0.1'],
      untried: 0,
      dns: null,
      attempts: [],
      tls: null,
      issuer: 'Amazon',
      timings: { dns: 1, connect: 1, tls: 1 },
      clientCertificate: true,
    };
    const text = checkLines(output([iot]), 80)
      .map((l) => l.text)
      .join(' ')
      .replace(/\s+/g, ' ');
    expect(text).toContain('All 1 flows get out (resolver 127.0.0.1:53).');
    expect(text).toContain(
      '! Keep a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com out of any TLS inspection: the devices authenticate there with client certificates',
    );
    expect(
      checkLines(output([{ ...iot, clientCertificate: false }]), 80)
        .map((l) => l.text)
        .join(' '),
    ).not.toContain('TLS inspection');
  });

  it('wrapLines cuts and marks what does not fit', () => {
    const lines = wrapLines('one two three four five six seven eight nine ten', 12, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1]?.endsWith('…')).toBe(true);
  });

  it('wrapLines breaks a word wider than the width across lines, and keeps every character', () => {
    const host = `${'a'.repeat(63)}.${'b'.repeat(63)}.example`;
    const lines = wrapLines(`${host} tcp/443 · a service`, 40, 10);
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(40);
    expect(lines.join('')).toContain(host);
    expect(lines.join('\n')).toMatch(/example tcp\/443 · a service$/);
    expect(wrapLines('x', 40, 0)).toEqual([]);
  });

  it('NO_COLOR turns every colour off', () => {
    expect(makeTheme({ NO_COLOR: '1' }).color('bad')).toBeUndefined();
    expect(makeTheme({ NO_COLOR: '1' }).color('accent')).toBeUndefined();
    expect(makeTheme({ NO_COLOR: '1' }).dim).toBe(false);
    expect(makeTheme({}).color('bad')).toBe('red');
    // no-color.org: an empty NO_COLOR does not count.
    expect(makeTheme({ NO_COLOR: '' }).color('bad')).toBe('red');
  });
});

const output = (results: CheckResult[]) =>
  checkOutput(results, { catalogueVersion: '1', agents: ['rdms'], resolver: '127.0.0.1:53', timeoutMs: 1000, concurrency: 1 });
