// The interactive app end to end: the built CLI in a real 80x24 terminal (tmux), driven
// by keys as a user would. Each test has its own tmux server and an empty working folder.
// The check step is never run (it would contact real hosts): the tests skip it with s, and
// the helper refuses to press Enter or r while it is on screen.
//
// EMAINT_APP_SCREENS=/tmp/app-screens saves the screens of the full walk there as text
// (NO_COLOR), for the README.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, bin } from './helpers/cli.js';
import { requireSystem } from './helpers/system.js';
import { COLUMNS, type Ended, PROMPT, ROWS, TmuxApp, colourSequences, sttyFlags } from './helpers/tmux.js';

const ok = requireSystem('app end-to-end tests in a terminal', ['tmux', 'bash']);

const AGENTS = ['cca', 'erds'];
const SUBNET = '10.20.0.0/24';
const EPOCH = '1700000000';
const SCREENS = process.env['EMAINT_APP_SCREENS'];

let app: TmuxApp | null = null;
afterEach(() => {
  app?.close();
  app = null;
});

function start(env: Record<string, string> = {}): TmuxApp {
  app = TmuxApp.start({ env });
  return app;
}

/** White space folded: messages wrap across rows. */
function folded(screen: string): string {
  return screen.replace(/\s+/g, ' ');
}

/** The row the cursor (›) is on, in a list of agents or targets. */
function cursorRow(screen: string): string {
  return screen.split('\n').find((l) => l.startsWith('› ')) ?? '';
}

/** The screen is the app's, whole, in 80x24: nothing wider, nothing scrolled off the top. */
function expectFits(screen: string): void {
  const rows = screen.replace(/\n$/, '').split('\n');
  expect(rows.length).toBeLessThanOrEqual(ROWS);
  for (const row of rows) expect([...row].length, row).toBeLessThanOrEqual(COLUMNS);
  expect(rows[0]).toMatch(/^emaint-egress /);
}

let shot = 0;
/** Checks the screen fits and, when asked to, saves it for the README. */
function keep(name: string, screen: string): void {
  expectFits(screen);
  if (!SCREENS) return;
  mkdirSync(SCREENS, { recursive: true });
  shot += 1;
  writeFileSync(join(SCREENS, `${shot}-${name}.txt`), screen);
}

/** Space on each agent, moving down the list one row at a time. */
async function chooseAgents(a: TmuxApp, ids: readonly string[]): Promise<string> {
  let screen = await a.waitFor('Which agents are in use?', 'the agents step');
  expectFits(screen);
  for (const id of ids) {
    for (let moves = 0; !cursorRow(screen).includes(`] ${id} `); moves++) {
      if (moves > 20) throw new Error(`agent ${id} not found in the list:\n${screen}`);
      const before = cursorRow(screen);
      a.keys('Down');
      screen = await a.waitFor((s) => cursorRow(s) !== before, 'the cursor to move down');
    }
    a.keys('Space');
    screen = await a.waitFor((s) => cursorRow(s).includes(`[x] ${id} `), `[x] ${id}`);
  }
  return screen;
}

async function toSite(a: TmuxApp, ids: readonly string[]): Promise<void> {
  await chooseAgents(a, ids);
  a.keys('Enter');
  expectFits(await a.waitFor('[2 Site]', 'the site step'));
}

/** The plan for the agents, as `plan --json` reports it. */
function planOf(ids: readonly string[]): { flows: number; hosts: number } {
  const r = bin('plan', '--agents', ids.join(','), '--json');
  expect(r.code, r.stderr).toBe(0);
  const p = JSON.parse(r.stdout) as { flows: unknown[]; hosts: unknown[] };
  return { flows: p.flows.length, hosts: p.hosts.length };
}

/** Ctrl-C: exit 130 at once, the terminal as it was, nothing written. */
async function expectCancelled(a: TmuxApp): Promise<void> {
  a.keys('C-c');
  const { code, stty } = await a.ended();
  expect(code).toBe(130);
  const flags = sttyFlags(stty);
  for (const flag of ['icanon', 'echo', 'isig']) {
    expect(flags.has(flag), `stty -a after the app shows ${flag}:\n${stty}`).toBe(true);
    expect(flags.has(`-${flag}`), `stty -a after the app shows -${flag}:\n${stty}`).toBe(false);
  }
  expect(a.cursorVisible(), 'the cursor is visible again').toBe(true);
  expect(readdirSync(a.cwd)).toEqual([]);
}

/** The status a shell gives a job stopped by SIGTSTP (Ctrl-Z) or SIGSTOP: 128 + the signal. */
const STOPPED_TSTP = 128 + constants.signals.SIGTSTP;
const STOPPED_STOP = 128 + constants.signals.SIGSTOP;

/** The terminal is cooked and sane: line editing, echo and signal keys are on. */
function expectCooked({ stty }: Ended, when: string): void {
  const flags = sttyFlags(stty);
  for (const flag of ['icanon', 'echo', 'isig']) {
    expect(flags.has(flag), `stty -a ${when} shows ${flag}:\n${stty}`).toBe(true);
    expect(flags.has(`-${flag}`), `stty -a ${when} shows -${flag}:\n${stty}`).toBe(false);
  }
}

/** The app started from the shell in the pane (TmuxApp.inShell), on its agents step. */
async function startInShell(): Promise<{ a: TmuxApp; screen: string }> {
  const a = TmuxApp.inShell();
  app = a;
  expect((await a.prompt()).code, 'the shell is ready').toBe(0);
  a.type('emaint-egress');
  a.keys('Enter');
  const screen = await a.waitFor((s) => cursorRow(s).includes('] cca '), 'the agents step');
  expectFits(screen);
  return { a, screen };
}

/** The shell has the terminal: its Stopped line and prompt, the cursor shown, cooked. */
async function expectStopped(a: TmuxApp, code: number): Promise<void> {
  const stopped = await a.prompt();
  expect(stopped.code, 'the status the shell found: 128 + the stop signal').toBe(code);
  expectCooked(stopped, 'in the shell while the app is stopped');
  const screen = await a.waitFor(/^\[1\]\+ +Stopped.* +emaint-egress\n/m, "the shell's Stopped line");
  expect(screen.trimEnd().split('\n').at(-1)).toBe(PROMPT.trimEnd());
  expect(a.cursorVisible(), 'the cursor is shown while the app is stopped').toBe(true);
}

/**
 * `fg`: the app's whole screen again (its header on row 1, no shell lines left over), the
 * cursor on the same row as before, the cursor hidden; Down moves the cursor (raw mode:
 * no ^[[B echoed).
 */
async function expectBack(a: TmuxApp, row: string): Promise<string> {
  a.type('fg');
  a.keys('Enter');
  const back = await a.waitFor((s) => s.startsWith('emaint-egress ') && cursorRow(s) !== '', 'the app redrawn after fg');
  expectFits(back);
  expect(back).toContain('[1 Agents]');
  expect(back).toContain('Which agents are in use?');
  expect(back).not.toContain('Stopped');
  expect(back).not.toContain(PROMPT.trimEnd());
  expect(cursorRow(back)).toBe(row);
  expect(a.cursorVisible(), 'the app hides the cursor again').toBe(false);
  a.keys('Down');
  const moved = await a.waitFor((s) => cursorRow(s) !== row && cursorRow(s) !== '', 'the cursor to move down after fg');
  expect(moved).not.toContain('^[');
  expectFits(moved);
  return cursorRow(moved);
}

/** Ctrl-C still quits with 130 after a stop, and the shell finds the terminal cooked. */
async function expectQuit(a: TmuxApp): Promise<void> {
  a.keys('C-c');
  const ended = await a.prompt();
  expect(ended.code).toBe(130);
  expectCooked(ended, 'after the app');
  expect(a.cursorVisible(), 'the cursor is visible again').toBe(true);
  expect(readdirSync(a.cwd)).toEqual([]);
}

describe.skipIf(!ok)('the app in a terminal (tmux, 80x24)', () => {
  it('walks agents, site, plan, check (skipped), rules and the profile, writing the files', { timeout: 120_000 }, async () => {
    const a = start({ NO_COLOR: '1', SOURCE_DATE_EPOCH: EPOCH });
    const plan = planOf(AGENTS);

    // 1 Agents: cca and erds chosen.
    const agents = await chooseAgents(a, AGENTS);
    expect(agents).toContain('(2 chosen)');
    for (const id of AGENTS) expect(agents).toMatch(new RegExp(`\\[x\\] ${id} `));
    keep('agents', agents);
    a.keys('Enter');
    await a.waitFor('[2 Site]', 'the site step');

    // 2 Site: a subnet with host bits set is marked as typed, and enter stays.
    a.keys('Down');
    await a.waitFor(/^› Subnets/m, 'the subnets field');
    a.type('10.20.0.5/24');
    const bad = await a.waitFor((s) => folded(s).includes('did you mean 10.20.0.0/24'), 'the inline subnet error');
    expect(bad).toMatch(/^ +✗ subnets: '10\.20\.0\.5\/24' has host bits set/m);
    a.keys('Enter');
    const refused = await a.waitFor('✗ fix the marked field first', 'enter refused');
    expect(refused).toContain('[2 Site]');
    expect(refused).not.toContain('The plan:');
    keep('site-error', refused);

    // Fixed: the errors go, enter goes on to the plan.
    a.keys('C-u');
    await a.waitFor(/^› Subnets +\(any source\)$/m, 'the subnets field cleared');
    a.type(SUBNET);
    const fixed = await a.waitFor((s) => new RegExp(`^› Subnets +${SUBNET.replaceAll('.', '\\.')}$`, 'm').test(s) && !s.includes('✗'), 'the subnet fixed');
    expectFits(fixed);
    a.keys('Enter');

    // 3 Plan: as many flows and hosts as `plan --json` has.
    const planScreen = await a.waitFor('[3 Plan]', 'the plan step');
    expect(planScreen).toContain(`The plan: ${plan.flows} flows to ${plan.hosts} hosts`);
    keep('plan', planScreen);
    a.keys('Enter');

    // 4 Check: never run here; s skips to the rules.
    const check = await a.waitFor('s skip to the rules', 'the check step, ready');
    expect(check).toContain('[4 Check]');
    keep('check-ready', check);
    a.keys('s');

    // 5 Rules: pfsense (the first row), written into the working folder.
    await a.waitFor('[5 Rules]', 'the rules step');
    const rules = await a.waitFor((s) => cursorRow(s).includes('[ ] pfsense'), 'the cursor on pfsense');
    expectFits(rules);
    a.keys('Space');
    const chosen = await a.waitFor((s) => cursorRow(s).includes('[x] pfsense'), 'pfsense chosen');
    expect(chosen).toContain('(1 chosen)');
    keep('rules', chosen);
    a.keys('Enter');

    const written = await a.waitFor('Save these answers as a site profile', 'the files written');
    const dir = join(a.cwd, 'emaint-egress-rules', 'pfsense');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const file = files[0] ?? '';
    expect(written).toContain('Wrote 1 file to emaint-egress-rules:');
    expect(written).toContain(`emaint-egress-rules/pfsense/${file}`);
    keep('written', written);
    const render = spawnSync(process.execPath, [BIN, 'render', '--agents', AGENTS.join(','), '--target', 'pfsense', '--source', SUBNET], {
      encoding: 'utf8',
      env: { ...process.env, SOURCE_DATE_EPOCH: EPOCH },
    });
    expect(render.status, render.stderr).toBe(0);
    expect(readFileSync(join(dir, file), 'utf8')).toBe(render.stdout);

    // The profile prompt: enter saves emaint-site.json and ends the app.
    expect(written).toMatch(/^› Profile +emaint-site\.json$/m);
    a.keys('Enter');
    expect((await a.ended()).code).toBe(0);
    const profilePath = join(a.cwd, 'emaint-site.json');
    expect(existsSync(profilePath)).toBe(true);
    const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as { agents: string[]; sources: string[]; targets: string[] };
    expect(profile.agents).toEqual(AGENTS);
    expect(profile.sources).toEqual([SUBNET]);
    expect(profile.targets).toEqual(['pfsense']);
    expect(readdirSync(a.cwd).sort()).toEqual(['emaint-egress-rules', 'emaint-site.json']);
    expect(a.cursorVisible(), 'the cursor is visible again').toBe(true);
  });

  it("sets the pfSense interface on the rules step: the file is render's with the same setting, the profile keeps it", { timeout: 120_000 }, async () => {
    const a = start({ NO_COLOR: '1', SOURCE_DATE_EPOCH: EPOCH });
    await toSite(a, AGENTS);
    a.keys('Enter');
    await a.waitFor('[3 Plan]', 'the plan step');
    a.keys('Enter');
    await a.waitFor('s skip to the rules', 'the check step, ready');
    a.keys('s');
    await a.waitFor((s) => cursorRow(s).includes('[ ] pfsense'), 'the cursor on pfsense');
    a.keys('Space');
    const listed = await a.waitFor(/^ +pfsense +pfSense interface +\(default: lan\)$/m, "pfsense's setting, at its default");
    expectFits(listed);
    a.keys('Tab');
    await a.waitFor(/^› pfsense +pfSense interface/m, 'the interface field');
    a.type('opt');
    const bad = await a.waitFor((s) => folded(s).includes("✗ pfSense interface: 'opt'"), 'the inline error');
    expectFits(bad);
    a.type('1');
    const fixed = await a.waitFor((s) => /^› pfsense +pfSense interface +opt1 *$/m.test(s) && !s.includes('✗'), 'opt1 typed');
    keep('rules-settings', fixed);
    a.keys('Enter');
    await a.waitFor('Save these answers as a site profile', 'the files written');
    const dir = join(a.cwd, 'emaint-egress-rules', 'pfsense');
    const file = readdirSync(dir)[0] ?? '';
    const render = spawnSync(process.execPath, [BIN, 'render', '--agents', AGENTS.join(','), '--target', 'pfsense', '--interface', 'opt1'], {
      encoding: 'utf8',
      env: { ...process.env, SOURCE_DATE_EPOCH: EPOCH },
    });
    expect(render.status, render.stderr).toBe(0);
    expect(render.stdout).toContain('<interface>opt1</interface>');
    expect(readFileSync(join(dir, file), 'utf8')).toBe(render.stdout);
    a.keys('Enter');
    expect((await a.ended()).code).toBe(0);
    const profile = JSON.parse(readFileSync(join(a.cwd, 'emaint-site.json'), 'utf8')) as { settings?: unknown };
    expect(profile.settings).toEqual({ pfsense: { interface: 'opt1' } });
  });

  it('Ctrl-C on the plan quits with 130 and gives the terminal back', { timeout: 60_000 }, async () => {
    const a = start();
    await toSite(a, ['cca']);
    a.keys('Enter');
    expectFits(await a.waitFor(`The plan: ${planOf(['cca']).flows} flows`, 'the plan step'));
    expect(a.cursorVisible(), 'the app hides the cursor').toBe(false);
    await expectCancelled(a);
  });

  it('Ctrl-C inside a text field quits the same way', { timeout: 60_000 }, async () => {
    const a = start();
    await toSite(a, ['cca']);
    a.keys('Down');
    await a.waitFor(/^› Subnets/m, 'the subnets field');
    a.type('10.20');
    expectFits(await a.waitFor(/^› Subnets +10\.20$/m, 'the typed text'));
    await expectCancelled(a);
  });

  // Control keys that arrive in one read with other keys (a fast typist, a script,
  // send-keys) are keys, not text: Ctrl-U then the new subnet replaces the field.
  it('keys that arrive together: Ctrl-U then text replaces the field', { timeout: 60_000 }, async () => {
    const a = start({ NO_COLOR: '1' });
    await toSite(a, ['cca']);
    a.keys('Down');
    await a.waitFor(/^› Subnets/m, 'the subnets field');
    a.type('10.20.0.5/24');
    await a.waitFor((s) => folded(s).includes('did you mean 10.20.0.0/24'), 'the inline subnet error');
    a.type(`\x15${SUBNET}`);
    const screen = await a.waitFor(/^› Subnets +\S*10\.20\.0\.0\/24$/m, 'the new subnet typed');
    expect(screen).toMatch(/^› Subnets +10\.20\.0\.0\/24$/m);
  });

  // The site step with a bad subnet shows every tone: the accent (cursor row), the error
  // (red), muted help and footer.
  async function colouredScreens(a: TmuxApp): Promise<string[]> {
    await a.waitFor('Which agents are in use?', 'the agents step');
    const agents = a.screenWithEscapes();
    await toSite(a, ['cca']);
    a.keys('Down');
    await a.waitFor(/^› Subnets/m, 'the subnets field');
    a.type('10.20.0.5/24');
    await a.waitFor((s) => folded(s).includes('did you mean 10.20.0.0/24'), 'the inline subnet error');
    return [agents, a.screenWithEscapes()];
  }

  it('NO_COLOR=1: no colour at all', { timeout: 60_000 }, async () => {
    const a = start({ NO_COLOR: '1' });
    for (const screen of await colouredScreens(a)) expect(colourSequences(screen)).toEqual([]);
    await expectCancelled(a);
  });

  it('without NO_COLOR: colours (so the NO_COLOR test can fail)', { timeout: 60_000 }, async () => {
    const a = start();
    const [agents, site] = await colouredScreens(a);
    // The cursor row is cyan; the subnet error is red.
    expect(agents?.split('\n').find((l) => l.includes('› [ ] cca'))).toContain('\x1b[36m');
    expect(site?.split('\n').find((l) => l.includes('✗ subnets'))).toContain('\x1b[31m');
    expect(colourSequences(site ?? '').length).toBeGreaterThan(0);
    await expectCancelled(a);
  });

  it('Ctrl-Z stops the app and gives the shell a cooked terminal; fg brings back raw mode and the whole screen', { timeout: 60_000 }, async () => {
    const { a, screen } = await startInShell();
    a.keys('Down');
    const row = cursorRow(await a.waitFor((s) => cursorRow(s) !== cursorRow(screen), 'the cursor to move down'));
    a.keys('C-z');
    await expectStopped(a, STOPPED_TSTP);
    // Twice: the second stop and fg work as the first.
    let at = await expectBack(a, row);
    a.keys('C-z');
    await expectStopped(a, STOPPED_TSTP);
    at = await expectBack(a, at);
    expect(at).not.toBe(row);
    await expectQuit(a);
  });

  it('kill -TSTP from outside stops it the same way; after kill -STOP, fg takes raw mode back', { timeout: 60_000 }, async () => {
    const { a, screen } = await startInShell();
    const pid = await a.appPid();
    process.kill(pid, 'SIGTSTP');
    await expectStopped(a, STOPPED_TSTP);
    const row = await expectBack(a, cursorRow(screen));
    // SIGSTOP cannot be caught: the app gives nothing back, the shell sets its own cooked
    // settings, and the app finds them on SIGCONT.
    process.kill(pid, 'SIGSTOP');
    const stopped = await a.prompt();
    expect(stopped.code).toBe(STOPPED_STOP);
    expectCooked(stopped, 'in the shell after kill -STOP');
    await expectBack(a, row);
    await expectQuit(a);
  });

  // The app as the terminal's first program, without a job-control shell (here under sh -c):
  // its process group is orphaned, so the kernel discards its SIGTSTP and nothing could
  // continue it. It must not stop, nor be left with a cooked terminal.
  it('Ctrl-Z where nothing could continue the app: it goes on, in raw mode', { timeout: 60_000 }, async () => {
    const a = start();
    const screen = await a.waitFor((s) => cursorRow(s).includes('] cca '), 'the agents step');
    a.keys('C-z');
    const back = await a.waitFor((s) => s.startsWith('emaint-egress ') && !a.cursorVisible(), 'the app redrawn, the cursor hidden');
    expectFits(back);
    expect(cursorRow(back)).toBe(cursorRow(screen));
    a.keys('Down');
    const moved = await a.waitFor((s) => cursorRow(s) !== cursorRow(screen) && cursorRow(s) !== '', 'the cursor to move down');
    expect(moved).not.toContain('^[');
    await expectCancelled(a);
  });
});
