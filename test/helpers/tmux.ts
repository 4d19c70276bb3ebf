// The built CLI in a real terminal: a tmux server of the test's own (private socket, no
// config file), one 80x24 pane, driven with send-keys and read with capture-pane. The app
// runs under `sh`, which records its exit status and the terminal settings after it
// (`stty -a`) in a folder outside the app's working directory, then keeps the pane open so
// the test can still ask tmux about the cursor.
//
// TmuxApp.inShell runs an interactive bash instead, with job control, as a user's shell:
// the test types `emaint-egress` at its prompt (a script on its PATH that execs the built
// CLI, so the job is the app itself), and bash records the status and `stty -a` before each
// prompt (PROMPT_COMMAND), for prompt().
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN } from './cli.js';

export const COLUMNS = 80;
export const ROWS = 24;
/** A loaded CI machine may be slow to start node and ink; never assume timings. */
const DEADLINE_MS = 15_000;
const POLL_MS = 50;
const SESSION = 'app';

export interface StartOptions {
  /** Extra environment for the app (CI is always removed: the test plays a user's terminal). */
  env?: Record<string, string>;
  args?: readonly string[];
}

/** How the app ended: its exit status and `stty -a` on the terminal right after. */
export interface Ended {
  code: number;
  stty: string;
}

function quote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/** The shell's prompt in TmuxApp.inShell. */
export const PROMPT = 'ee$ ';

export class TmuxApp {
  /** The app's working directory (empty at the start). */
  readonly cwd = mkdtempSync(join(tmpdir(), 'ee-app-cwd-'));
  /** Where `sh` records the exit status and the terminal settings. */
  private readonly status = mkdtempSync(join(tmpdir(), 'ee-app-status-'));
  private readonly socket = `ee-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  /** tmux leaves its socket file behind when the server ends. */
  private socketPath = '';

  /** Prompts whose record prompt() has returned (inShell). */
  private prompts = 0;

  private constructor(options: StartOptions, shell = false) {
    const env = Object.entries({ TERM: 'xterm-256color', ...options.env }).map(([k, v]) => `${k}=${quote(v)}`);
    // Colour and CI variables of the test's own environment must not reach the app.
    // Every variable ink (is-in-ci) reads as CI, whatever this CI machine sets.
    const ciVars = ['CI', 'CONTINUOUS_INTEGRATION', ...Object.keys(process.env).filter((k) => k.startsWith('CI_'))];
    const app = [
      'env',
      ...ciVars.flatMap((k) => ['-u', quote(k)]),
      '-u',
      'NO_COLOR',
      '-u',
      'FORCE_COLOR',
      '-u',
      'NODE_DISABLE_COLORS',
      ...env,
      quote(process.execPath),
      quote(BIN),
      ...(options.args ?? []).map(quote),
    ].join(' ');
    const s = quote(this.status);
    if (shell) {
      this.startShell(app);
      return;
    }
    const script = [
      `cd ${quote(this.cwd)} || exit 99`,
      app,
      'code=$?',
      `echo "EXIT=$code"`,
      `stty -a > ${s}/stty`,
      // The status file appears last, whole: once it is there, stty is too.
      `echo "$code" > ${s}/exit.tmp && mv ${s}/exit.tmp ${s}/exit`,
      'exec sleep 600',
    ].join('\n');
    try {
      // Several arguments after the options: tmux runs them without a shell of the user's.
      this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', SESSION, '-x', String(COLUMNS), '-y', String(ROWS), '--', 'sh', '-c', script);
      this.socketPath = this.tmux('display-message', '-p', '#{socket_path}').trim();
    } catch (err) {
      this.close();
      throw err;
    }
  }

  static start(options: StartOptions = {}): TmuxApp {
    return new TmuxApp(options);
  }

  /** An interactive bash in the pane; type `emaint-egress` at its prompt to run the app. */
  static inShell(options: StartOptions = {}): TmuxApp {
    return new TmuxApp(options, true);
  }

  private startShell(app: string): void {
    const bin = join(this.status, 'bin');
    mkdirSync(bin);
    // exec: the shell's job is the app's own process; its pid is noted for kill().
    writeFileSync(join(bin, 'emaint-egress'), `#!/bin/sh\necho $$ > ${quote(join(this.status, 'pid'))}\nexec ${app}\n`);
    chmodSync(join(bin, 'emaint-egress'), 0o755);
    const s = quote(this.status);
    // Before each prompt: the last status and the terminal settings, as record n.
    const record = `code=$?; n=$((n+1)); stty -a > ${s}/stty.$n; echo $code > ${s}/exit.tmp && mv ${s}/exit.tmp ${s}/exit.$n`;
    const shellEnv = {
      PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      PS1: PROMPT,
      PROMPT_COMMAND: record,
      HISTFILE: '/dev/null',
      TERM: 'xterm-256color',
    };
    try {
      this.tmux(
        '-f',
        '/dev/null',
        'new-session',
        '-d',
        '-s',
        SESSION,
        '-x',
        String(COLUMNS),
        '-y',
        String(ROWS),
        '-c',
        this.cwd,
        '--',
        'env',
        ...Object.entries(shellEnv).map(([k, v]) => `${k}=${v}`),
        'bash',
        '--norc',
        '--noprofile',
        '-i',
      );
      this.socketPath = this.tmux('display-message', '-p', '#{socket_path}').trim();
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /**
   * inShell: waits for the shell's next prompt (the first one, or the one after the app
   * stopped or ended); the status it found and `stty -a` at that moment.
   */
  async prompt(timeoutMs = DEADLINE_MS): Promise<Ended> {
    const n = this.prompts + 1;
    const file = join(this.status, `exit.${n}`);
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(file)) {
      if (Date.now() > deadline) throw new Error(`no shell prompt (${n}) within ${timeoutMs} ms; the screen:\n${this.screen()}`);
      await sleep(POLL_MS);
    }
    this.prompts = n;
    return { code: Number(readFileSync(file, 'utf8').trim()), stty: readFileSync(join(this.status, `stty.${n}`), 'utf8') };
  }

  /** inShell: the app's process id, once the shell has started it. */
  async appPid(timeoutMs = DEADLINE_MS): Promise<number> {
    const file = join(this.status, 'pid');
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(file) || readFileSync(file, 'utf8').trim() === '') {
      if (Date.now() > deadline) throw new Error(`the shell did not start the app within ${timeoutMs} ms; the screen:\n${this.screen()}`);
      await sleep(POLL_MS);
    }
    return Number(readFileSync(file, 'utf8').trim());
  }

  /** Runs a tmux command on this test's server; throws with its stderr on failure. */
  tmux(...args: string[]): string {
    const env = { ...process.env };
    delete env['TMUX'];
    const r = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`tmux ${args.slice(0, 3).join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
    return r.stdout;
  }

  /** The screen as text, one string per row (capture-pane -p). */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', SESSION);
  }

  /** The screen with its attributes as escape sequences (capture-pane -e -p). */
  screenWithEscapes(): string {
    return this.tmux('capture-pane', '-e', '-p', '-t', SESSION);
  }

  /** Whether the terminal shows its cursor (the app hides it while it runs). */
  cursorVisible(): boolean {
    return this.tmux('display-message', '-p', '-t', SESSION, '#{cursor_flag}').trim() === '1';
  }

  /**
   * Polls the screen until `want` holds and the screen has stopped changing (two equal
   * captures in a row, so a half-drawn frame never counts); returns that screen.
   */
  async waitFor(want: string | RegExp | ((screen: string) => boolean), what?: string, timeoutMs = DEADLINE_MS): Promise<string> {
    const test = typeof want === 'function' ? want : typeof want === 'string' ? (s: string) => s.includes(want) : (s: string) => want.test(s);
    const deadline = Date.now() + timeoutMs;
    let last: string | null = null;
    for (;;) {
      const now = this.screen();
      if (test(now) && now === last) return now;
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what ?? String(want)}; the screen:\n${now}`);
      }
      last = now;
      await sleep(POLL_MS);
    }
  }

  /** Presses keys in tmux's names (Space, Down, Enter, C-c, or a character), one write each. */
  keys(...keys: string[]): void {
    for (const k of keys) {
      // The network rule: the check would contact real hosts. Enter or r on the check step
      // runs it; the tests only ever skip it (s).
      if ((k === 'Enter' || k === 'C-m' || k === 'r') && this.screen().includes('[4 Check]')) {
        throw new Error(`refusing to press ${k} on the check step: it would run the check against real hosts`);
      }
      this.tmux('send-keys', '-t', SESSION, k);
    }
  }

  /** Types text literally (no key names). */
  type(text: string): void {
    this.tmux('send-keys', '-t', SESSION, '-l', text);
  }

  /** Waits for the app to exit; its status and the terminal settings after it. */
  async ended(timeoutMs = DEADLINE_MS): Promise<Ended> {
    const file = join(this.status, 'exit');
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(file)) {
      if (Date.now() > deadline) throw new Error(`the app did not exit within ${timeoutMs} ms; the screen:\n${this.screen()}`);
      await sleep(POLL_MS);
    }
    return { code: Number(readFileSync(file, 'utf8').trim()), stty: readFileSync(join(this.status, 'stty'), 'utf8') };
  }

  /** Ends the tmux server (and the app, if still running) and removes the temporary folders. */
  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // Already gone.
    }
    if (this.socketPath) rmSync(this.socketPath, { force: true });
    rmSync(this.cwd, { recursive: true, force: true });
    rmSync(this.status, { recursive: true, force: true });
  }
}

/** The flags of `stty -a` output, e.g. "icanon" or "-echo". */
export function sttyFlags(stty: string): Set<string> {
  return new Set(stty.split(/[\s;]+/).filter((w) => /^-?[a-z0-9]+$/.test(w)));
}

/** SGR sequences (ESC [ ... m) that set a foreground or background colour. */
export function colourSequences(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\x1b\[([0-9;:]*)m/g)) {
    const params = (m[1] ?? '').split(/[;:]/).map(Number);
    // 38/48 take sub-parameters (5;n or 2;r;g;b); a colour either way.
    if (params.some((p) => (p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107))) found.push(m[0]);
  }
  return found;
}
