// Headless Chromium (Debian `chromium`) in a network namespace of the test's own with no
// interface up, not even loopback: a page cannot reach anything, whatever it asks for. Its
// net log still records each request the page starts, so a test can see that none was.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Chromium's own background traffic (updates, spelling dictionaries, sync) off. */
const QUIET = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--hide-scrollbars',
];

export interface Loaded {
  /** The DOM after loading, serialised (--dump-dom). */
  dom: string;
  /** The URLs the page itself asked for (its net log's requests with an initiator). */
  pageRequests: string[];
}

export class OfflineChromium {
  readonly ns = `ee-chromium-${randomBytes(4).toString('hex')}`;
  readonly dir = mkdtempSync(join(tmpdir(), 'ee-chromium-'));
  private runs = 0;

  constructor() {
    // No `ip link set lo up`: the namespace has no working interface at all.
    execFileSync('ip', ['netns', 'add', this.ns]);
  }

  private chromium(args: readonly string[]): string {
    this.runs += 1;
    const profile = join(this.dir, `profile-${this.runs}`);
    const r = spawnSync('ip', ['netns', 'exec', this.ns, 'chromium', ...QUIET, `--user-data-dir=${profile}`, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`chromium ${args.join(' ')}: exit ${r.status}: ${r.stderr.slice(-1000)}`);
    return r.stdout;
  }

  /** Loads the file and returns its DOM, and every request the page made. */
  load(file: string): Loaded {
    const log = join(this.dir, `net-${this.runs + 1}.json`);
    const dom = this.chromium([`--log-net-log=${log}`, '--dump-dom', pathToFileURL(file).href]);
    return { dom, pageRequests: pageRequests(readFileSync(log, 'utf8')) };
  }

  screenshot(file: string, png: string, size: { width: number; height: number }, scale = 1): void {
    this.chromium([`--screenshot=${png}`, `--window-size=${size.width},${size.height}`, `--force-device-scale-factor=${scale}`, pathToFileURL(file).href]);
  }

  printToPdf(file: string, pdf: string): void {
    this.chromium([`--print-to-pdf=${pdf}`, '--no-pdf-header-footer', pathToFileURL(file).href]);
  }

  close(): void {
    spawnSync('ip', ['netns', 'del', this.ns], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

interface NetLog {
  constants: { logEventTypes: Record<string, number> };
  events: { type: number; params?: { url?: string; initiator?: string } }[];
}

/** The URLs of URL requests a page started: the browser's own carry "not an origin". */
export function pageRequests(text: string): string[] {
  const log = JSON.parse(text) as NetLog;
  const start = log.constants.logEventTypes['URL_REQUEST_START_JOB'];
  return log.events.filter((e) => e.type === start && e.params?.url !== undefined && e.params.initiator !== 'not an origin').map((e) => e.params?.url ?? '');
}
