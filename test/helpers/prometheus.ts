// Debian's Prometheus, and the exporter it scrapes, inside a test's network namespace:
// each with its files in the test's temp dir, on the namespace's loopback. The test reads
// Prometheus's HTTP API through a node process in the namespace (no curl needed).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from './cli.js';
import type { Netns } from './system.js';

/** A long-running program in the namespace; ready when its output (to a file, never a full pipe) matches. */
export class NsProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {}

  static async start(ns: Netns, argv: readonly string[], logFile: string, ready: RegExp, env: Record<string, string> = {}): Promise<NsProcess> {
    const fd = openSync(logFile, 'w');
    const child = spawn('ip', ['netns', 'exec', ns.name, ...argv], { stdio: ['ignore', fd, fd], env: { PATH: process.env['PATH'] ?? '', ...env } });
    closeSync(fd);
    const p = new NsProcess(child, logFile);
    for (const started = Date.now(); !ready.test(p.log()); ) {
      if (child.exitCode !== null) throw new Error(`${argv[0]} exited (${child.exitCode}): ${p.log()}`);
      if (Date.now() - started > 20_000) {
        child.kill('SIGKILL');
        throw new Error(`${argv[0]} did not start: ${p.log()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return p;
  }

  log(): string {
    return readFileSync(this.logFile, 'utf8');
  }

  /** SIGTERM, then the exit code (SIGKILL after 10 s). */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}

/** `emaint-egress serve` in the namespace (`ip netns exec` execs, so the pid is node's). */
export function startExporterIn(ns: Netns, args: readonly string[], logFile: string, env: Record<string, string>): Promise<NsProcess> {
  return NsProcess.start(ns, [process.execPath, BIN, 'serve', ...args], logFile, /msg=listening /, { NO_COLOR: '1', ...env });
}

/** The body of a GET made from inside the namespace. */
export function nsGet(ns: Netns, url: string): string {
  const script = `fetch(process.argv[1]).then(async (r) => process.stdout.write(await r.text()), (e) => { process.stderr.write(String(e)); process.exit(1); })`;
  const r = spawnSync('ip', ['netns', 'exec', ns.name, process.execPath, '-e', script, url], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`GET ${url} failed: ${r.stderr}`);
  return r.stdout;
}

/** The shipped Prometheus files (data/prometheus). */
export const DEPLOY = fileURLToPath(new URL('../../data/prometheus/', import.meta.url));

/**
 * The shipped central config and its rules, copied into `dir` (its targets go in dir/sites/),
 * with every interval and the scrape timeout set to `seconds`, so a test sees scrapes and
 * rule evaluations within seconds. Returns the config's path.
 */
export function shippedConfig(dir: string, seconds: number): string {
  copyFileSync(join(DEPLOY, 'emaint-egress.rules.yml'), join(dir, 'emaint-egress.rules.yml'));
  let text = readFileSync(join(DEPLOY, 'central-scrape.yml'), 'utf8');
  for (const [pattern, count] of [
    [/^( *scrape_interval:) 1m$/gm, 3],
    [/^( *evaluation_interval:) 1m$/gm, 1],
    [/^( *scrape_timeout:) 30s$/gm, 1],
  ] as const) {
    const found = text.match(pattern)?.length ?? 0;
    if (found !== count) throw new Error(`central-scrape.yml: expected ${count} lines matching ${pattern}, found ${found}`);
    text = text.replace(pattern, `$1 ${seconds}s`);
  }
  const file = join(dir, 'central-scrape.yml');
  writeFileSync(file, text);
  return file;
}

export interface Series {
  metric: Record<string, string>;
  value: number;
}

export class Prometheus {
  private constructor(
    private readonly ns: Netns,
    readonly process: NsProcess,
    readonly port: number,
  ) {}

  /** Prometheus with `config` (a file), its TSDB in `dir`, on the namespace's 127.0.0.1:<port>. */
  static async start(ns: Netns, config: string, dir: string): Promise<Prometheus> {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const data = join(dir, 'tsdb');
    mkdirSync(data, { recursive: true });
    const p = await NsProcess.start(
      ns,
      ['prometheus', `--config.file=${config}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=info'],
      join(dir, 'prometheus.log'),
      /Server is ready to receive web requests/,
    );
    return new Prometheus(ns, p, port);
  }

  /** GET on the API inside the namespace; the parsed JSON. */
  api(path: string): unknown {
    return JSON.parse(nsGet(this.ns, `http://127.0.0.1:${this.port}${path}`)) as unknown;
  }

  /** An instant query's vector. */
  query(promql: string): Series[] {
    const doc = this.api(`/api/v1/query?query=${encodeURIComponent(promql)}`) as {
      status: string;
      data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (doc.status !== 'success' || doc.data.resultType !== 'vector') throw new Error(`query ${promql}: ${JSON.stringify(doc)}`);
    return doc.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /** Polls `promql` until `done` holds for its vector (Prometheus scrapes on its own schedule). */
  async waitFor(promql: string, done: (v: Series[]) => boolean, timeoutMs = 30_000): Promise<Series[]> {
    const started = Date.now();
    for (;;) {
      const v = this.query(promql);
      if (done(v)) return v;
      if (Date.now() - started > timeoutMs)
        throw new Error(`waited ${timeoutMs} ms for ${promql}; last: ${JSON.stringify(v)}\n${this.process.log().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
