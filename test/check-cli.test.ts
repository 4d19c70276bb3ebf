// `check` at the command line: bad input is one line on stderr and exit 2 before any
// traffic; the proxy password never shows; help lists the options. The few runs that
// go further send traffic only to 127.0.0.1: a guard refuses any other address.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/program.js';
import { type CliResult, cli, cliOn } from './helpers/cli.js';
import { guardTraffic } from './helpers/traffic-guard.js';
import { tempDirs } from './helpers/tmp.js';

const SECRET = 's3cr3t';
const PREFIX = 'emaint-egress check: ';
const AGENTS_VALID = 'valid: cca, cdca-v1, cdca-v2, cdca-v2-cca, meap-cca, meap-http, erds, rdms, backup, or all';
/** A loopback port nothing listens on: the proxy there refuses at once. */
const DEAD_PROXY = '127.0.0.1:1';
/** A loopback resolver, so that even the route lookup of myIpAddress() stays on this host. */
const LOOPBACK_DNS = ['--dns-server', '127.0.0.1:1'];

const tmp = tempDirs('ee-check-cli-');

function pacFile(text: string, name = 'site.pac'): string {
  const file = join(tmp(), name);
  writeFileSync(file, text);
  return file;
}

// ---------------------------------------------------------------- the traffic guard

const traffic = guardTraffic();

/** The CLI with its own environment (the proxy password variable). */
async function cliEnv(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env });
  return { code, stdout, stderr };
}

function expectUsageError(r: CliResult, message: RegExp | string): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.split('\n')).toHaveLength(2); // one line and its newline
  expect(r.stderr.startsWith(PREFIX)).toBe(true);
  if (typeof message === 'string') expect(r.stderr).toContain(message);
  else expect(r.stderr.trimEnd()).toMatch(message);
  expect(traffic.sent).toEqual([]);
}

// ---------------------------------------------------------------- bad input

describe('check: bad input is one line on stderr, exit 2, nothing on stdout, no traffic', () => {
  const TIMEOUT_VALID = 'expected a whole number of milliseconds per phase from 100 to 120000';
  const CONCURRENCY_VALID = 'expected a whole number of flows at a time from 1 to 1000';
  const PROXY_VALID = 'expected http://[user@]host:port (e.g. http://proxy.example.com:8080)';

  it.each([
    [['--timeout', '0'], `--timeout: '0' is not valid; ${TIMEOUT_VALID}`],
    [['--timeout', 'abc'], `--timeout: 'abc' is not valid; ${TIMEOUT_VALID}`],
    [['--timeout', '999999'], `--timeout: '999999' is not valid; ${TIMEOUT_VALID}`],
    [['--timeout', '99'], `--timeout: '99' is not valid; ${TIMEOUT_VALID}`],
    [['--timeout', '120001'], `--timeout: '120001' is not valid; ${TIMEOUT_VALID}`],
    [['--timeout', '1.5'], `--timeout: '1.5' is not valid; ${TIMEOUT_VALID}`],
    [['--timeout', '-5'], `--timeout: '-5' is not valid; ${TIMEOUT_VALID}`],
    [['--timeout', ''], `--timeout: '' is not valid; ${TIMEOUT_VALID}`],
    [['--concurrency', '0'], `--concurrency: '0' is not valid; ${CONCURRENCY_VALID}`],
    [['--concurrency', '1001'], `--concurrency: '1001' is not valid; ${CONCURRENCY_VALID}`],
    [['--concurrency', 'many'], `--concurrency: 'many' is not valid; ${CONCURRENCY_VALID}`],
    [['--dns-server', 'nonsense'], /--dns-server: 'nonsense' is not (valid|an IP address); expected an IP address with an optional port/],
    [['--dns-server', 'dns.example.com:53'], /--dns-server: 'dns\.example\.com:53' is not (valid|an IP address); expected an IP address/],
    [['--dns-server', '10.0.0.53:0'], /--dns-server: '10\.0\.0\.53:0' is not valid; expected an IP address/],
    [['--proxy', 'https://p:1'], `--proxy: 'https://p:1' uses 'https'; only http:// proxies are supported (the agents speak HTTP CONNECT); ${PROXY_VALID}`],
    [['--proxy', 'socks5://p:1080'], /--proxy: 'socks5:\/\/p:1080' uses 'socks5'; only http:\/\/ proxies/],
    [['--proxy', 'http://p.example'], `--proxy: 'http://p.example' has no port; ${PROXY_VALID}`],
    [['--proxy', 'http://p.example:8080/path'], `--proxy: 'http://p.example:8080/path' has a path, query or fragment; ${PROXY_VALID}`],
    [['--pac', ''], '--pac is empty; expected a PAC file path'],
    [['--pac', '/nonexistent/site.pac'], '--pac /nonexistent/site.pac: cannot read it (ENOENT)'],
    [['--agents', 'nope'], `--agents: unknown agent 'nope'; ${AGENTS_VALID}`],
    [['--agents', ''], `--agents is empty; ${AGENTS_VALID}`],
    [
      ['--bogus'],
      /unknown option '--bogus'; valid options: --agents, --cca-activation, --profile, --catalogue, --dns-server, --proxy, --pac, --timeout, --concurrency, --format, --json, --warning, --critical, --save$/,
    ],
    [['--timeout'], /option '--timeout <ms>' argument missing$/],
    [['extra'], /unexpected argument 'extra'; check takes only options: --agents/],
  ])('check --agents cca %j', async (argv, message) => {
    // A later --agents wins with commander: the rows that test --agents give their own.
    expectUsageError(await cli('check', '--agents', 'cca', ...argv), message);
  });

  it('missing --agents names the valid agents', async () => {
    expectUsageError(await cli('check'), `${PREFIX}missing --agents <ids> (or --profile FILE); ${AGENTS_VALID}`);
    expectUsageError(await cli('check', '--timeout', '1000'), `missing --agents <ids> (or --profile FILE); ${AGENTS_VALID}`);
    expectUsageError(await cli('check', '--agents'), /argument missing; valid: cca.*, or all$/);
  });

  it('--agents nope names the valid agents, whatever else is given', async () => {
    expectUsageError(
      await cli('check', '--agents', 'nope', '--proxy', `http://u:${SECRET}@${DEAD_PROXY}`),
      `${PREFIX}--agents: unknown agent 'nope'; ${AGENTS_VALID}`,
    );
  });

  it('a proxy URL without a port does not show the password', async () => {
    const r = await cli('check', '--agents', 'cca', '--proxy', `http://u:${SECRET}@host`);
    expectUsageError(r, `${PREFIX}--proxy: 'http://u:****@host' has no port; ${PROXY_VALID}`);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('a proxy URL without a scheme is taken as http:// (said once), and its password is not shown', async () => {
    const r = await cli('check', '--agents', 'cca', '--proxy', `u:${SECRET}@host:99999`);
    expectUsageError(r, /--proxy: 'u:\*\*\*\*@host:99999' is not a URL/);
    expect(r.stderr).not.toContain(SECRET);
  });

  it.each([
    `http://u:${SECRET}@host:1/path`,
    `https://u:${SECRET}@host:1`,
    `http://u:${SECRET}@host:99999`,
    `http://:${SECRET}@host:1`,
    `http://u%3Ax:${SECRET}@host:1`,
    `http://u:${SECRET}%ZZ@host:1`,
    `http://u:${SECRET}%0A@host:1`,
  ])('no password in the error for --proxy %j', async (url) => {
    const r = await cli('check', '--agents', 'cca', '--proxy', url);
    expectUsageError(r, /^emaint-egress check: --proxy: /);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('a control character in the password from the environment is refused without showing it', async () => {
    const r = await cliEnv({ EMAINT_PROXY_PASSWORD: `${SECRET}\r\n` }, 'check', '--agents', 'cca', '--proxy', 'http://u@p.example:8080');
    expectUsageError(r, /control characters/);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('a PAC file with a syntax error', async () => {
    const file = pacFile('function FindProxyForURL(url, host) {\n  return "DIRECT"\n');
    expectUsageError(await cli('check', '--agents', 'cca', '--pac', file, ...LOOPBACK_DNS), new RegExp(`^${PREFIX}--pac ${file}: not a usable PAC file: .+$`));
  });

  it('a PAC file without FindProxyForURL', async () => {
    const file = pacFile('function findProxy(url, host) { return "DIRECT"; }');
    expectUsageError(await cli('check', '--agents', 'cca', '--pac', file, ...LOOPBACK_DNS), /not a usable PAC file: .*FindProxyForURL/);
  });

  it('a PAC file that loops at the top level, with a short timeout', async () => {
    const file = pacFile('while (true) {}\nfunction FindProxyForURL(url, host) { return "DIRECT"; }');
    const started = Date.now();
    expectUsageError(
      await cli('check', '--agents', 'cca', '--pac', file, '--timeout', '200', ...LOOPBACK_DNS),
      /not a usable PAC file: its top level did not finish within 2000 ms$/,
    );
    expect(Date.now() - started).toBeLessThan(2000 + 5000);
  });

  it('a --pac that is a folder, or larger than 1 MiB', async () => {
    const dir = tmp();
    expectUsageError(await cli('check', '--agents', 'cca', '--pac', dir), `${PREFIX}--pac ${dir} is not a file`);
    const big = pacFile(`// ${'x'.repeat(1024 * 1024)}\nfunction FindProxyForURL() { return "DIRECT"; }`, 'big.pac');
    expectUsageError(await cli('check', '--agents', 'cca', '--pac', big), /is larger than 1 MiB/);
  });

  it('never echoes control or bidi characters from the user', async () => {
    for (const argv of [
      ['--timeout', '1\u001b[2J'],
      ['--dns-server', '10.0.0.1\u202e'],
      ['--proxy', 'http://p\u001b]0;x\u0007.example'],
      ['--pac', '/nonexistent/\u001b[2J\u202e.pac'],
    ]) {
      const r = await cli('check', '--agents', 'cca', ...argv);
      expectUsageError(r, /\\u(001b|202e)/);
      expect(r.stderr.trimEnd()).not.toMatch(/[\u0000-\u001f\u007f\u202e]/);
    }
  });
});

// ---------------------------------------------------------------- help

describe('check --help', () => {
  it('exits 0 and lists the options, statuses and exit codes', async () => {
    const r = await cli('check', '--help');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Usage: emaint-egress check \[options\]/);
    for (const option of [
      '--agents <ids>',
      '--cca-activation',
      '--dns-server <ip[:port]>',
      '--proxy <url>',
      '--pac <file>',
      '--timeout <ms>',
      '--concurrency <n>',
      '--format <format>',
      '--json',
      '--warning <range>',
      '--critical <range>',
      '-h, --help',
    ]) {
      expect(r.stdout).toContain(option);
    }
    // Commander wraps the descriptions: compare with the spaces folded.
    const flat = r.stdout.replace(/\s+/g, ' ');
    expect(flat).toContain('100 to 120000 (default: 5000)');
    expect(flat).toContain('1 to 1000 (default: all)');
    expect(r.stdout).toContain('$EMAINT_PROXY_PASSWORD');
    expect(r.stdout).toContain('Statuses: ok, dns-error, timeout, refused, tls-untrusted, tls-error, proxy-error, local-error.');
    expect(r.stdout).toContain('Exit code: 0 when every flow is ok, 1 when any fails, 2 for bad input, 70 for an internal error.');
    expect(flat).toContain("With --format nagios the exit code is the plugin's: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN");
    expect(traffic.sent).toEqual([]);
  });

  it('is listed among the commands', async () => {
    const r = await cli('--help');
    expect(r.stdout).toMatch(/^ {2}check \[options\] +check from this network/m);
  });
});

// ---------------------------------------------------------------- runs on loopback

interface JsonOut {
  results: { host: string; port: number; status: string; route: string; detail: string; proxyProblem?: string; proxyStatus?: number }[];
  summary: {
    total: number;
    ok: number;
    failed: number;
    causes: { status: string; cause: string; fix: string; flows: string[] }[];
    notes: string[];
    timeoutMs: number;
    concurrency: number;
  };
}

async function rdmsFlows(): Promise<string[]> {
  const body = JSON.parse((await cli('plan', '--agents', 'rdms', '--json')).stdout) as { flows: { host: string; port: number }[] };
  return body.flows.map((f) => `${f.host}:${f.port}`);
}

describe('check: runs that only reach 127.0.0.1', () => {
  it('a proxy that is not there: every flow a proxy-error, exit 1, and the password never shown', async () => {
    const flows = await rdmsFlows();
    const argv = ['check', '--agents', 'rdms', '--proxy', `http://proxyuser:${SECRET}@${DEAD_PROXY}`, '--timeout', '1000', ...LOOPBACK_DNS];
    const json = await cli(...argv, '--json');
    expect(json.code).toBe(1);
    // A password on the command line shows in ps: said once, without the password.
    expect(json.stderr).toBe(
      "warning: a password given in --proxy is visible to every user of this machine (ps) and in the shell's history; give http://user@host:port and the password in $EMAINT_PROXY_PASSWORD\n",
    );
    expect(`${json.stdout}${json.stderr}`).not.toContain(SECRET);
    const out = JSON.parse(json.stdout) as JsonOut;
    expect(out.results.map((r) => `${r.host}:${r.port}`)).toEqual(flows);
    for (const r of out.results) expect(r).toMatchObject({ status: 'proxy-error', proxyProblem: 'unreachable', route: `proxy ${DEAD_PROXY}` });
    expect(out.summary).toMatchObject({ total: flows.length, ok: 0, failed: flows.length, timeoutMs: 1000, concurrency: flows.length });
    expect(out.summary.causes).toHaveLength(1);
    expect(out.summary.causes[0]?.cause).toMatch(/^the proxy 127\.0\.0\.1:1 is not reachable: /);
    expect(out.summary.notes.join('\n')).toContain(`every flow through the proxy ${DEAD_PROXY} (Basic authentication as proxyuser)`);
    expect(traffic.sent.every((t) => t === `tcp ${DEAD_PROXY}`)).toBe(true);
    expect(traffic.sent).toHaveLength(flows.length);

    const text = await cli(...argv);
    expect(text.code).toBe(1);
    expect(`${text.stdout}${text.stderr}`).not.toContain(SECRET);
    expect(text.stdout).toMatch(/^STATUS +HOST +PORT +TIME +DETAIL$/m);
    expect(text.stdout.match(/^PROXY-ERROR +\S+ +tcp\/\d+ +\d+ms +cannot reach the proxy 127\.0\.0\.1:1/gm)).toHaveLength(flows.length);
    expect(text.stdout).toContain(`${flows.length} of ${flows.length} flows fail (resolver 127.0.0.1:1, timeout 1000 ms per phase).`);
    expect(text.stdout).toContain('Causes and fixes:');
    expect(text.stdout).toContain('  fix: check the proxy address and port, and that this network may reach it');
  });

  it('takes the proxy password from $EMAINT_PROXY_PASSWORD, sends it to the proxy only, and never prints it', async () => {
    const seen: (string | undefined)[] = [];
    const server = http.createServer();
    server.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
      seen.push(req.headers['proxy-authorization']);
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const r = await cliEnv(
        { EMAINT_PROXY_PASSWORD: SECRET },
        'check',
        '--agents',
        'rdms',
        '--proxy',
        `http://proxyuser@127.0.0.1:${port}`,
        '--timeout',
        '2000',
        ...LOOPBACK_DNS,
        '--json',
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('');
      expect(r.stdout).not.toContain(SECRET);
      expect(r.stdout).not.toContain(Buffer.from(`proxyuser:${SECRET}`).toString('base64'));
      const out = JSON.parse(r.stdout) as JsonOut;
      for (const res of out.results) expect(res).toMatchObject({ status: 'proxy-error', proxyProblem: 'auth', proxyStatus: 407 });
      expect(out.summary.causes[0]?.cause).toBe(`the proxy 127.0.0.1:${port} wants other credentials (HTTP 407)`);
      expect(seen.length).toBe(out.results.length);
      for (const header of seen) expect(header).toBe(`Basic ${Buffer.from(`proxyuser:${SECRET}`).toString('base64')}`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('routes each host as the PAC file says: unsupported, a PAC error and a proxy', async () => {
    const [first, second, third] = (await rdmsFlows()).map((f) => f.replace(/:\d+$/, ''));
    expect(third).toBeDefined();
    const file = pacFile(`function FindProxyForURL(url, host) {
      if (host === "${first}") return "SOCKS 127.0.0.1:1080";
      if (host === "${second}") { while (true) {} }
      return "PROXY ${DEAD_PROXY}; DIRECT";
    }`);
    // 1500 ms: the looping host's worker holds a core; on a busy machine 300 ms left the
    // third host's evaluation no time (its timeout counts from when it is asked).
    const r = await cli('check', '--agents', 'rdms', '--pac', file, '--timeout', '1500', ...LOOPBACK_DNS, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as JsonOut;
    const by = new Map(out.results.map((x) => [x.host, x]));
    expect(by.get(first ?? '')).toMatchObject({
      status: 'proxy-error',
      proxyProblem: 'unsupported',
      route: 'pac',
      detail: 'the PAC file answers SOCKS 127.0.0.1:1080',
    });
    expect(by.get(second ?? '')).toMatchObject({ status: 'proxy-error', proxyProblem: 'pac', route: 'pac', detail: expect.stringMatching(/interrupted/) });
    expect(by.get(third ?? '')).toMatchObject({ status: 'proxy-error', proxyProblem: 'unreachable', route: `proxy ${DEAD_PROXY}` });
    expect(out.summary.notes.join('\n')).toContain(`routes from the PAC file ${file}`);
    expect(traffic.sent).toEqual([`tcp ${DEAD_PROXY}`]);
    expect(traffic.routed).toEqual(['udp 127.0.0.1:1']);
  });

  it('draws progress on a terminal, but never into --json', async () => {
    const argv = ['check', '--agents', 'rdms', '--proxy', `http://${DEAD_PROXY}`, '--timeout', '1000', ...LOOPBACK_DNS];
    const json = await cliOn(100, ...argv, '--json');
    expect(json.code).toBe(1);
    expect(() => JSON.parse(json.stdout) as unknown).not.toThrow();
    const text = await cliOn(100, ...argv);
    expect(text.code).toBe(1);
    expect(text.stdout.startsWith('Checking 3 flows: 0 done\n')).toBe(true);
    // The progress is erased (cursor up, erase down) before the table.
    expect(text.stdout).toMatch(/\r\u001b\[\d+A\u001b\[JSTATUS +HOST/);
  });
});
