// The pure parts of `check`: the --proxy URL and PAC answers, the summary of causes and
// fixes, the progress reducer and its terminal lines, and the text and JSON verdicts.
import { describe, expect, it } from 'vitest';
import { checkOutput } from './helpers/check-output.js';
import { checkResult } from './helpers/check-result.js';
import { progressLines } from '../src/cli/output/check-progress.js';
import { checkJson, checkText } from '../src/cli/output/check-text.js';
import { initialProgress, progressReducer, type ProgressState } from '../src/core/check/progress.js';
import { maskPassword, parsePacResult, parseProxyUrl } from '../src/core/proxy-url.js';
import type { CheckResult } from '../src/core/check/result.js';
import { summarise } from '../src/core/check/summary.js';
import { InputError } from '../src/core/errors.js';
import { sortAnswers } from '../src/core/address-range.js';
import { attemptOrder, errorResult, failedStatus } from '../src/net/check/connect.js';

const SECRET = 's3cr3t';

/** The message parseProxyUrl throws for `text` (fails the test when it does not throw). */
function proxyError(text: string, envPassword?: string): string {
  try {
    parseProxyUrl(text, '--proxy', envPassword);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error(`parseProxyUrl accepted ${JSON.stringify(text)}`);
}

describe('parseProxyUrl', () => {
  it('takes http://host:port, with no credentials', () => {
    expect(parseProxyUrl('http://Proxy.Example.com:8080')).toEqual({ host: 'proxy.example.com', port: 8080, text: 'proxy.example.com:8080', auth: null });
    expect(parseProxyUrl('http://10.0.0.1:3128/')).toEqual({ host: '10.0.0.1', port: 3128, text: '10.0.0.1:3128', auth: null });
    expect(parseProxyUrl('http://[2001:db8::1]:3128')).toEqual({ host: '2001:db8::1', port: 3128, text: '[2001:db8::1]:3128', auth: null });
  });

  it('keeps port 80 when the user wrote it (URL drops the default port)', () => {
    expect(parseProxyUrl('http://p.example:80')).toMatchObject({ host: 'p.example', port: 80, text: 'p.example:80' });
  });

  it('takes user and password, %-decoded, and keeps them out of text', () => {
    const p = parseProxyUrl(`http://us%40er:p%3Ass%20w%2Fd@p.example:8080`);
    expect(p.auth).toEqual({ user: 'us@er', password: 'p:ss w/d' });
    expect(p.text).toBe('p.example:8080');
    expect(parseProxyUrl(`http://user:${SECRET}@p.example:8080`).auth).toEqual({ user: 'user', password: SECRET });
  });

  it('fills a URL with a user and no password from envPassword; a password in the URL wins', () => {
    expect(parseProxyUrl('http://user@p.example:8080', '--proxy', 'fromenv').auth).toEqual({ user: 'user', password: 'fromenv' });
    expect(parseProxyUrl('http://user:@p.example:8080', '--proxy', 'fromenv').auth).toEqual({ user: 'user', password: 'fromenv' });
    expect(parseProxyUrl('http://user:inurl@p.example:8080', '--proxy', 'fromenv').auth).toEqual({ user: 'user', password: 'inurl' });
    expect(parseProxyUrl('http://user@p.example:8080').auth).toEqual({ user: 'user', password: '' });
    // No user: nothing to authenticate as, whatever the environment says.
    expect(parseProxyUrl('http://p.example:8080', '--proxy', 'fromenv').auth).toBeNull();
  });

  it.each([
    ['https://p.example:443', /uses 'https'; only http:\/\/ proxies are supported/],
    ['socks5://p.example:1080', /uses 'socks5'; only http:\/\/ proxies/],
    ['http://p.example', /has no port; expected http:\/\/\[user@\]host:port/],
    ['http://p.example:8080/path', /has a path, query or fragment/],
    ['http://p.example:8080?x=1', /has a path, query or fragment/],
    ['http://p.example:8080#f', /has a path, query or fragment/],
    ['not a url', /is not a URL; expected http:\/\//],
    ['http://p.example:0', /bad host or port|not a URL/],
    ['http://u%3Ax:pw@p.example:8080', /':' or control characters/],
    ['http://u%0Ax:pw@p.example:8080', /':' or control characters/],
    ['http://u:p%07w@p.example:8080', /':' or control characters/],
    ['http://:pw@p.example:8080', /has a password but no user/],
    ['http://u:p%ZZw@p.example:8080', /bad %-escape/],
  ])('rejects %j', (text, message) => {
    const msg = proxyError(text);
    expect(msg).toMatch(/^--proxy: /);
    expect(msg).toMatch(message);
    expect(msg).not.toContain('\n');
  });

  it('names the option it was given', () => {
    expect(() => parseProxyUrl('https://p.example:1', '--my-proxy')).toThrow(/^--my-proxy: 'https:\/\/p\.example:1' uses 'https'/);
  });

  it('rejects control characters in a password from the environment without naming it', () => {
    const msg = proxyError('http://user@p.example:8080', `${SECRET}\n`);
    expect(msg).toMatch(/control characters/);
    expect(msg).not.toContain(SECRET);
  });

  it.each([
    `http://u:${SECRET}@p.example`,
    `http://u:${SECRET}@p.example:8080/x`,
    `https://u:${SECRET}@p.example:8080`,
    `u:${SECRET}@p.example:99999`,
    `http://u:${SECRET}@p.example:99999`,
    `http://u:${SECRET}@p.example:8080?q@x`,
    `http://u%3Ax:${SECRET}@p.example:8080`,
    `http://:${SECRET}@p.example:8080`,
    `http://u:${SECRET}%ZZ@p.example:8080`,
    `http://u:${SECRET}\u0007@p.example:8080`,
    `http://u:${SECRET}@bad_host!:8080`,
    `http://u:a@${SECRET}@p.example`,
  ])('never puts the password in the message for %j', (text) => {
    const msg = proxyError(text);
    expect(msg).not.toContain(SECRET);
    expect(msg).toContain('****');
  });

  it('never puts a password containing "//" in the message when the scheme is missing', () => {
    // maskPassword starts looking for the user's ':' after the first "//", which here is
    // inside the password: the password is quoted in the error as it was typed.
    for (const text of [`u:${SECRET}//x@p.example:8080`, `http:u:${SECRET}//x@p.example`]) {
      expect(proxyError(text)).not.toContain(SECRET);
    }
  });
});

describe('maskPassword', () => {
  it.each([
    ['http://u:pw@h:1', 'http://u:****@h:1'],
    ['http://u:p@w:x@h:1', 'http://u:****@h:1'],
    ['u:pw@h:1', 'u:****@h:1'],
    ['http://u@h:1', 'http://u@h:1'],
    ['http://h:1', 'http://h:1'],
    ['h:1', 'h:1'],
    ['', ''],
  ])('%j -> %j', (text, masked) => {
    expect(maskPassword(text)).toBe(masked);
  });
});

describe('parsePacResult', () => {
  it.each([
    ['DIRECT', { kind: 'direct' }],
    ['  direct  ', { kind: 'direct' }],
    ['', { kind: 'direct' }],
    [' ; ;', { kind: 'direct' }],
    ['DIRECT; PROXY p.example:8080', { kind: 'direct' }],
    ['PROXY p.example:8080; DIRECT', { kind: 'proxy', host: 'p.example', port: 8080, text: 'p.example:8080' }],
    ['proxy P.Example:3128', { kind: 'proxy', host: 'p.example', port: 3128, text: 'p.example:3128' }],
    ['HTTP 10.0.0.1:3128', { kind: 'proxy', host: '10.0.0.1', port: 3128, text: '10.0.0.1:3128' }],
    ['PROXY p.example', { kind: 'proxy', host: 'p.example', port: 80, text: 'p.example:80' }],
    ['PROXY [2001:db8::1]:3128', { kind: 'proxy', host: '2001:db8::1', port: 3128, text: '[2001:db8::1]:3128' }],
    [';  PROXY   p.example:1  ; DIRECT', { kind: 'proxy', host: 'p.example', port: 1, text: 'p.example:1' }],
  ])('%j routes as the first entry says', (answer, route) => {
    expect(parsePacResult(answer)).toEqual(route);
  });

  it.each([
    ['SOCKS s.example:1080', 'SOCKS s.example:1080'],
    ['SOCKS5 s.example:1080; DIRECT', 'SOCKS5 s.example:1080'],
    ['HTTPS p.example:443', 'HTTPS p.example:443'],
    ['PROXY', 'PROXY'],
    ['PROXY p.example:99999', 'PROXY p.example:99999'],
    ['PROXY p.example:8080 extra', 'PROXY p.example:8080 extra'],
    ['DIRECT now', 'DIRECT now'],
    ['PROXY bad_host!:1', 'PROXY bad_host!:1'],
  ])('%j is unsupported, naming the entry', (answer, entry) => {
    expect(parsePacResult(answer)).toEqual({ kind: 'unsupported', entry });
  });

  it('is unsupported for a non-string answer, naming its type', () => {
    expect(parsePacResult(null)).toEqual({ kind: 'unsupported', entry: 'a null instead of a string' });
    expect(parsePacResult(undefined)).toEqual({ kind: 'unsupported', entry: 'a undefined instead of a string' });
    expect(parsePacResult(42)).toEqual({ kind: 'unsupported', entry: 'a number instead of a string' });
    expect(parsePacResult({ toString: () => 'DIRECT' })).toEqual({ kind: 'unsupported', entry: 'a object instead of a string' });
  });

  it('keeps at most 100 characters of a long unsupported entry', () => {
    const r = parsePacResult(`SOCKS ${'x'.repeat(100_000)}`);
    expect(r.kind).toBe('unsupported');
    expect(r.kind === 'unsupported' && r.entry.length).toBe(100);
  });
});

// ---------------------------------------------------------------- results and summary

const result = checkResult;

describe('summarise', () => {
  it('counts every status, and has no causes when everything is ok', () => {
    const s = summarise([result({ host: 'a.example' }), result({ host: 'b.example', port: 8883 })]);
    expect(s).toMatchObject({ total: 2, ok: 2, failed: 0, causes: [], warnings: [] });
    expect(s.counts).toEqual({ ok: 2, 'dns-error': 0, timeout: 0, refused: 0, 'tls-untrusted': 0, 'tls-error': 0, 'proxy-error': 0, 'local-error': 0 });
    expect(summarise([])).toMatchObject({ total: 0, ok: 0, failed: 0, causes: [], warnings: [] });
  });

  it('groups the flows of one cause, and the fix names each host once', () => {
    const s = summarise([
      result({ host: 'a.example', status: 'timeout' }),
      result({ host: 'b.example', status: 'timeout' }),
      result({ host: 'c.example', status: 'timeout' }),
      result({ host: 'a.example', port: 8883, status: 'timeout' }),
      result({ host: 'ok.example' }),
    ]);
    expect(s).toMatchObject({ total: 5, ok: 1, failed: 4 });
    expect(s.counts.timeout).toBe(4);
    expect(s.causes).toEqual([
      {
        status: 'timeout',
        cause: 'tcp/443 is silently dropped (no answer within the timeout)',
        fix: 'allow tcp/443 to a.example, b.example and c.example on the firewall',
        flows: ['a.example:443', 'b.example:443', 'c.example:443'],
      },
      {
        status: 'timeout',
        cause: 'tcp/8883 is silently dropped (no answer within the timeout)',
        fix: 'allow tcp/8883 to a.example on the firewall',
        flows: ['a.example:8883'],
      },
    ]);
  });

  it('names two hosts with "and", and a host on two ports once', () => {
    const s = summarise([result({ host: 'a.example', status: 'refused' }), result({ host: 'b.example', status: 'refused' })]);
    expect(s.causes[0]?.fix).toBe('allow tcp/443 to a.example and b.example on the firewall, or check that DNS gives their real addresses');
    const oneHost = summarise([
      result({ host: 'x.example', status: 'proxy-error', route: 'proxy p.example:8080', proxyProblem: 'upstream', proxyStatus: 502 }),
      result({ host: 'x.example', status: 'proxy-error', route: 'proxy p.example:8080', proxyProblem: 'upstream', proxyStatus: 502 }),
    ]);
    expect(oneHost.causes).toHaveLength(1);
    expect(oneHost.causes[0]?.fix).toBe('allow the proxy to reach x.example on tcp/443 (its firewall and DNS)');
  });

  it('orders causes by status, then by how many flows they hold', () => {
    const s = summarise([
      result({ host: 'p.example', status: 'proxy-error', route: 'proxy q.example:1', detail: 'cannot reach the proxy q.example:1' }),
      result({ host: 'r1.example', status: 'refused' }),
      result({ host: 't1.example', status: 'timeout', port: 8883 }),
      result({ host: 't2.example', status: 'timeout' }),
      result({ host: 't3.example', status: 'timeout' }),
      result({ host: 'd.example', status: 'dns-error', dnsProblem: 'no-such-name' }),
    ]);
    expect(s.causes.map((c) => `${c.status}:${c.flows.join(',')}`)).toEqual([
      'dns-error:d.example:443',
      'timeout:t2.example:443,t3.example:443',
      'timeout:t1.example:8883',
      'refused:r1.example:443',
      'proxy-error:p.example:443',
    ]);
  });

  it('gives each DNS problem its own cause and fix, naming the resolver', () => {
    const dns = (host: string, dnsProblem: CheckResult['dnsProblem']) =>
      result({
        host,
        status: 'dns-error',
        ...(dnsProblem ? { dnsProblem } : {}),
        addresses: [],
        attempts: [],
        dns: { server: '10.0.0.53:53', port: 53, chain: [host], ttl: null, sinkhole: [], failures: [], special: [] },
      });
    const s = summarise([
      dns('nx.example', 'no-such-name'),
      dns('na.example', 'no-address'),
      dns('sf.example', 'server-error'),
      dns('to.example', 'no-answer'),
    ]);
    const by = new Map(s.causes.map((c) => [c.flows[0], c]));
    expect(by.get('nx.example:443')).toMatchObject({
      cause: 'the resolver 10.0.0.53:53 says these names do not exist (NXDOMAIN)',
      fix: 'make 10.0.0.53:53 forward nx.example to public DNS; remove any local zone or filter that hides them',
    });
    expect(by.get('na.example:443')?.fix).toBe('make 10.0.0.53:53 answer na.example with the public addresses (no local zone or filter)');
    expect(by.get('sf.example:443')?.fix).toBe('make 10.0.0.53:53 able to resolve sf.example: check its forwarders and DNSSEC');
    expect(by.get('to.example:443')).toMatchObject({
      cause: 'the resolver 10.0.0.53:53 did not answer',
      fix: 'check the resolver address and allow udp/53 and tcp/53 to it',
    });
    expect(s.causes).toHaveLength(4);
  });

  it('names the issuer for TLS inspection, and says client-certificate hosts break under it', () => {
    const issuer = 'Corp Inspection CA, Corp';
    const s = summarise([
      result({ host: 'iot.example', status: 'tls-untrusted', issuer, clientCertificate: true }),
      result({ host: 'web.example', status: 'tls-untrusted', issuer, clientCertificate: false }),
      result({ host: 'web2.example', status: 'tls-untrusted', issuer, clientCertificate: false }),
    ]);
    expect(s.causes).toEqual([
      {
        status: 'tls-untrusted',
        cause: `certificates issued by "${issuer}", which the system does not trust: TLS inspection`,
        fix: 'exempt web.example and web2.example from TLS inspection',
        flows: ['web.example:443', 'web2.example:443'],
      },
      {
        status: 'tls-untrusted',
        cause: `certificates issued by "${issuer}", which the system does not trust: TLS inspection`,
        fix: 'exempt iot.example from TLS inspection: the devices authenticate there with client certificates, so inspection breaks the agent',
        flows: ['iot.example:443'],
      },
    ]);
  });

  it('gives each proxy problem its own fix', () => {
    const proxy = (host: string, over: Partial<CheckResult>) => result({ host, status: 'proxy-error', route: 'proxy p.example:8080', ...over });
    const s = summarise([
      proxy('auth.example', { proxyProblem: 'auth', proxyStatus: 407 }),
      proxy('denied.example', { proxyProblem: 'denied', proxyStatus: 403 }),
      proxy('pac.example', { proxyProblem: 'pac', route: 'pac', detail: 'FindProxyForURL failed: interrupted' }),
      proxy('socks.example', { proxyProblem: 'unsupported', route: 'pac', detail: 'the PAC file answers SOCKS s:1' }),
      proxy('gone.example', { proxyProblem: 'unreachable', detail: 'cannot reach the proxy p.example:8080' }),
    ]);
    const by = new Map(s.causes.map((c) => [c.flows[0], c]));
    expect(by.get('auth.example:443')).toMatchObject({
      cause: 'the proxy p.example:8080 wants other credentials (HTTP 407)',
      fix: expect.stringContaining('Basic'),
    });
    expect(by.get('denied.example:443')).toMatchObject({
      cause: 'the proxy p.example:8080 refuses CONNECT to tcp/443 (HTTP 403)',
      fix: 'allow CONNECT to denied.example on tcp/443 on the proxy',
    });
    expect(by.get('pac.example:443')?.cause).toBe('the PAC file fails for these hosts: FindProxyForURL failed: interrupted');
    expect(by.get('socks.example:443')?.fix).toBe('route socks.example DIRECT or through an HTTP proxy ("PROXY host:port")');
    expect(by.get('gone.example:443')?.cause).toBe('the proxy p.example:8080 is not reachable: cannot reach the proxy p.example:8080');
  });

  it('warns about answers in special ranges, once per range, for working and failing flows alike', () => {
    const special = (host: string, address: string, range: string, over: Partial<CheckResult> = {}) =>
      result({
        host,
        addresses: [address],
        dns: { server: '10.0.0.53:53', port: 53, chain: [host], ttl: 60, sinkhole: [], failures: [], special: [{ address, range }] },
        ...over,
      });
    const s = summarise([
      special('a.example', '10.9.9.9', 'private'),
      special('b.example', '10.9.9.8', 'private', { status: 'timeout' }),
      special('c.example', '0.0.0.0', 'unspecified', { status: 'refused' }),
      result({
        host: 'd.example',
        dns: {
          server: '10.0.0.53:53',
          port: 53,
          chain: ['d.example'],
          ttl: 60,
          sinkhole: [],
          failures: [],
          special: [
            { address: '10.1.1.1', range: 'private' },
            { address: '10.1.1.2', range: 'private' },
          ],
        },
      }),
    ]);
    expect(s.causes.map((c) => c.flows)).toEqual([['b.example:443'], ['c.example:443']]);
    expect(s.warnings).toEqual([
      {
        cause: 'these names resolve to private addresses: a sign of split-horizon DNS or a sinkhole',
        fix: "make sure the devices' resolver answers a.example, b.example and d.example with the public addresses",
        flows: ['a.example:443', 'b.example:443', 'd.example:443'],
      },
      {
        cause: 'these names resolve to unspecified addresses: a sign of split-horizon DNS or a sinkhole',
        fix: "make sure the devices' resolver answers c.example with the public addresses",
        flows: ['c.example:443'],
      },
    ]);
  });

  it('names a few hosts in a warning fix, and lists every flow', () => {
    const hosts = Array.from({ length: 8 }, (_, i) => `h${i}.example`);
    const s = summarise(
      hosts.map((host) =>
        result({
          host,
          dns: { server: 'platform', port: null, chain: [host], ttl: null, sinkhole: [], failures: [], special: [{ address: '127.0.0.1', range: 'loopback' }] },
        }),
      ),
    );
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]?.fix).toBe(
      "make sure the devices' resolver answers h0.example, h1.example, h2.example, h3.example, h4.example and 3 more with the public addresses",
    );
    expect(s.warnings[0]?.flows).toEqual(hosts.map((h) => `${h}:443`));
  });

  it('warns about a flow that works on one address while another fails', () => {
    const s = summarise([
      result({
        host: 'multi.example',
        addresses: ['203.0.113.1', '203.0.113.2'],
        attempts: [
          { address: '203.0.113.1', result: 'ok', ms: 3 },
          { address: '203.0.113.2', result: 'timeout', ms: 5000 },
        ],
      }),
      // A failing flow is a cause, not also this warning.
      result({ host: 'down.example', status: 'timeout', attempts: [{ address: '203.0.113.3', result: 'timeout', ms: 5000 }] }),
    ]);
    expect(s.warnings).toEqual([
      {
        cause: 'some addresses of these hosts do not connect on tcp/443 (another does)',
        fix: 'allow tcp/443 to every address of multi.example, or devices that pick a failing one will fail',
        flows: ['multi.example:443'],
      },
    ]);
    expect(s.causes.map((c) => c.flows)).toEqual([['down.example:443']]);
  });

  it('is the same for the same results', () => {
    const rs = [result({ host: 'b.example', status: 'refused' }), result({ host: 'a.example', status: 'timeout' }), result({ host: 'c.example' })];
    expect(summarise(rs)).toEqual(summarise(rs.map((r) => ({ ...r }))));
  });
});

// ---------------------------------------------------------------- progress

describe('progressReducer', () => {
  const flows = [
    { host: 'a.example', port: 443 },
    { host: 'b.example', port: 8883 },
  ];

  it('starts with every flow queued', () => {
    expect(initialProgress(flows)).toEqual({
      flows: [
        { host: 'a.example', port: 443, phase: 'queued', result: null },
        { host: 'b.example', port: 8883, phase: 'queued', result: null },
      ],
      done: 0,
      failed: 0,
    });
  });

  it('moves a flow through its phases without touching the state it was given', () => {
    const s0 = initialProgress(flows);
    const s1 = progressReducer(s0, { type: 'phase', index: 1, phase: 'dns' });
    expect(s1.flows[1]?.phase).toBe('dns');
    expect(s1.flows[0]?.phase).toBe('queued');
    expect(s0.flows[1]?.phase).toBe('queued');
    expect(s1).toMatchObject({ done: 0, failed: 0 });
  });

  it('counts done once, and failed only for a result that is not ok', () => {
    const ok = result({ host: 'a.example' });
    const bad = result({ host: 'b.example', port: 8883, status: 'timeout' });
    let s = initialProgress(flows);
    s = progressReducer(s, { type: 'phase', index: 0, phase: 'done', result: ok });
    expect(s).toMatchObject({ done: 1, failed: 0 });
    expect(s.flows[0]?.result).toBe(ok);
    const again = progressReducer(s, { type: 'phase', index: 0, phase: 'done', result: bad });
    expect(again).toBe(s);
    // A late phase event for a finished flow changes nothing either.
    expect(progressReducer(s, { type: 'phase', index: 0, phase: 'tls' })).toBe(s);
    s = progressReducer(s, { type: 'phase', index: 1, phase: 'done', result: bad });
    expect(s).toMatchObject({ done: 2, failed: 1 });
    expect(progressReducer(s, { type: 'phase', index: 1, phase: 'done', result: bad })).toMatchObject({ done: 2, failed: 1 });
  });

  it('ignores an index outside the list', () => {
    const s = initialProgress(flows);
    expect(progressReducer(s, { type: 'phase', index: 2, phase: 'dns' })).toBe(s);
    expect(progressReducer(s, { type: 'phase', index: -1, phase: 'done' })).toBe(s);
  });
});

describe('progressLines', () => {
  function state(n: number, host = (i: number) => `h${i}.example`): ProgressState {
    return initialProgress(Array.from({ length: n }, (_, i) => ({ host: host(i), port: 443 })));
  }

  it('draws a counter and a line per flow, with its phase or its status', () => {
    let s = state(3);
    s = progressReducer(s, { type: 'phase', index: 0, phase: 'done', result: result({ host: 'h0.example', status: 'refused' }) });
    s = progressReducer(s, { type: 'phase', index: 1, phase: 'tls' });
    expect(progressLines(s, 80, 24)).toEqual([
      'Checking 3 flows: 1 done, 1 failing',
      '  h0.example:443  refused',
      '  h1.example:443  TLS handshake...',
      '  h2.example:443  waiting...',
    ]);
  });

  it('draws one counter line when the list is taller than the terminal', () => {
    const s = state(30);
    expect(progressLines(s, 80, 24)).toEqual(['Checking 30 flows: 0 done']);
    // The head and the flows must fit above the cursor's line.
    expect(progressLines(state(22), 80, 24)).toHaveLength(23);
    expect(progressLines(state(23), 80, 24)).toHaveLength(1);
  });

  it('clips every line to the terminal width', () => {
    const s = state(3, (i) => `${'x'.repeat(60)}${i}.example`);
    const lines = progressLines(s, 40, 24);
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(l.length).toBeLessThan(40);
    expect(lines[1]).toBe(`  ${'x'.repeat(37)}`);
    expect(progressLines(state(40), 10, 24)).toEqual(['Checking '.slice(0, 9)]);
  });
});

// ---------------------------------------------------------------- text and JSON output

describe('checkText', () => {
  it('prints a table row per flow, then says all flows get out', () => {
    const text = checkText(
      checkOutput([result({ host: 'a.example', timings: { dns: 2, connect: 30, tls: null } }), result({ host: 'b.example', port: 8883 })]),
    );
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^STATUS +HOST +PORT +TIME +DETAIL$/);
    expect(text).toMatch(/^OK +a\.example +tcp\/443 +32ms +TLSv1\.3, certificate verified$/m);
    expect(text).toMatch(/^OK +b\.example +tcp\/8883 +16ms +TLSv1\.3/m);
    expect(text).toContain('All 2 flows get out (resolver 10.0.0.53:53).');
    expect(text).not.toContain('Causes and fixes:');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('lists the causes and fixes, and the warnings, under their headings', () => {
    const text = checkText(
      checkOutput([
        result({ host: 'a.example', status: 'timeout', detail: 'no answer within 5000 ms' }),
        result({ host: 'b.example', status: 'timeout', detail: 'no answer within 5000 ms' }),
        result({
          host: 'c.example',
          dns: {
            server: '10.0.0.53:53',
            port: 53,
            chain: ['c.example'],
            ttl: 5,
            sinkhole: [],
            failures: [],
            special: [{ address: '10.0.0.9', range: 'private' }],
          },
        }),
      ]),
    );
    expect(text).toContain('2 of 3 flows fail (resolver 10.0.0.53:53, timeout 5000 ms per phase).');
    expect(text).toContain(
      [
        'Causes and fixes:',
        '- timeout (2 flows): tcp/443 is silently dropped (no answer within the timeout)',
        '  fix: allow tcp/443 to a.example and b.example on the firewall',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        'Warnings:',
        '- (1 flow): these names resolve to private addresses: a sign of split-horizon DNS or a sinkhole',
        "  fix: make sure the devices' resolver answers c.example with the public addresses",
      ].join('\n'),
    );
    expect(text.indexOf('Causes and fixes:')).toBeLessThan(text.indexOf('Warnings:'));
  });

  it('says which working hosts must stay out of TLS inspection, and prints the notes', () => {
    const text = checkText(
      checkOutput([result({ host: 'iot.example', clientCertificate: true }), result({ host: 'web.example' })], {
        notes: ['every flow through the proxy p.example:8080'],
      }),
    );
    expect(text).toContain('Keep iot.example out of any TLS inspection');
    expect(text).not.toMatch(/Keep .*web\.example/);
    expect(text).toContain('Note: every flow through the proxy p.example:8080');
  });

  it('keeps the fix indented under its cause on a terminal, as it is when piped', () => {
    const out = checkOutput([result({ host: 'a.example', status: 'timeout', detail: 'no answer within 5000 ms' })]);
    const fix = '  fix: allow tcp/443 to a.example on the firewall';
    expect(checkText(out).split('\n')).toContain(fix);
    // wrap() drops the leading spaces of "  fix: ...": on a terminal the line starts "fix:".
    expect(checkText(out, 80).split('\n')).toContain(fix);
  });

  it('escapes control and bidi characters from remote text (detail, issuer)', () => {
    const evil = 'Evil\u001b[2J CA\u202egnp.exe\u0007';
    const text = checkText(
      checkOutput([
        result({ host: 'a.example', status: 'tls-untrusted', detail: `certificate issued by ${evil}`, issuer: evil }),
        result({
          host: 'b.example',
          status: 'proxy-error',
          route: 'pac',
          proxyProblem: 'unsupported',
          detail: 'the PAC file answers SOCKS \u001b]0;title\u0007x',
        }),
      ]),
    );
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text).toContain('Evil\\u001b[2J CA\\u202egnp.exe\\u0007');
    expect(text).toMatch(/certificates issued by "Evil\\u001b\[2J CA\\u202egnp\.exe\\u0007"/);
    expect(text).toContain('SOCKS \\u001b]0;title\\u0007x');
  });

  it('wraps the causes, fixes and notes to a terminal width when given one', () => {
    const long = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const text = checkText(
      checkOutput(
        [
          result({
            host: 'a.example',
            status: 'tls-error',
            detail: long,
            tls: { version: null, alpn: null, issuer: null, subject: null, expires: null, error: long },
          }),
        ],
        {
          notes: [long],
        },
      ),
      60,
    );
    const after = text.slice(text.indexOf('Causes and fixes:')).split('\n');
    expect(after.length).toBeGreaterThan(6);
    expect(after.filter((l) => l.length > 60)).toEqual([]);
    expect(after).toContain('Note: word0 word1 word2 word3 word4 word5 word6 word7 word8');
    expect(checkText(checkOutput([result({ host: 'a.example', detail: long })])).split('\n')[1]).toMatch(/word29$/);
  });
});

describe('checkJson', () => {
  it('gives each result and the summary with the run settings', () => {
    const tls = {
      version: 'TLSv1.3',
      alpn: 'h2',
      issuer: 'Amazon RSA 2048 M02, Amazon',
      subject: 'a.example',
      expires: '2027-01-01T00:00:00.000Z',
      error: null,
    };
    const out = checkOutput(
      [
        result({ host: 'a.example', tls, issuer: tls.issuer, clientCertificate: true }),
        result({
          host: 'b.example',
          status: 'proxy-error',
          route: 'proxy p.example:8080',
          proxyProblem: 'auth',
          proxyStatus: 407,
          detail: 'the proxy p.example:8080 rejected the credentials (HTTP 407)',
        }),
        result({ host: 'c.example', status: 'dns-error', dnsProblem: 'no-such-name', addresses: [], attempts: [] }),
      ],
      { notes: ['a note'], options: ['cca-activation'] },
    );
    const body = JSON.parse(checkJson(out)) as {
      results: Record<string, unknown>[];
      summary: Record<string, unknown>;
    };
    expect(body.results).toHaveLength(3);
    expect(body.results[0]).toEqual({
      host: 'a.example',
      protocol: 'tcp',
      port: 443,
      status: 'ok',
      detail: 'TLSv1.3, certificate verified',
      addresses: ['203.0.113.10'],
      untried: 0,
      timings: { dns: 1, connect: 5, tls: 10 },
      issuer: 'Amazon RSA 2048 M02, Amazon',
      tlsVersion: 'TLSv1.3',
      alpn: 'h2',
      expires: '2027-01-01T00:00:00.000Z',
      route: 'direct',
      dns: { server: '10.0.0.53:53', port: 53, chain: ['a.example'], ttl: 60, sinkhole: [], failures: [], special: [] },
      attempts: [{ address: '203.0.113.10', result: 'ok', ms: 5 }],
      clientCertificate: true,
      agents: ['cca'],
    });
    expect(body.results[1]).toMatchObject({ status: 'proxy-error', proxyProblem: 'auth', proxyStatus: 407, tlsVersion: null });
    expect(body.results[1]).not.toHaveProperty('dnsProblem');
    expect(body.results[2]).toMatchObject({ dnsProblem: 'no-such-name' });
    expect(body.results[2]).not.toHaveProperty('proxyProblem');
    expect(body.summary).toMatchObject({
      total: 3,
      ok: 1,
      failed: 2,
      resolver: '10.0.0.53:53',
      timeoutMs: 5000,
      concurrency: 3,
      catalogueVersion: '1.0.0',
      agents: ['cca'],
      options: ['cca-activation'],
      notes: ['a note'],
    });
    expect((body.summary['causes'] as unknown[]).length).toBe(2);
  });
});

describe('local errors and new DNS causes', () => {
  it('errno codes of this machine are local attempts, and a flow with one is local-error, not timeout or refused', () => {
    for (const code of ['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'EADDRNOTAVAIL']) {
      expect(errorResult(Object.assign(new Error(code), { code }))).toEqual(['local', code]);
    }
    expect(errorResult(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toEqual(['refused', 'ECONNREFUSED']);
    expect(
      failedStatus([
        { address: '192.0.2.1', result: 'timeout', ms: 5000 },
        { address: '192.0.2.2', result: 'local', ms: 1, code: 'EMFILE' },
      ]),
    ).toBe('local-error');
    expect(failedStatus([{ address: '192.0.2.1', result: 'timeout', ms: 5000 }])).toBe('timeout');
  });

  it('a local-error names the resource and never tells the user to change the firewall', () => {
    const s = summarise([result({ host: 'a.example', status: 'local-error', localProblem: 'ENOBUFS' })]);
    expect(s.causes).toEqual([
      {
        status: 'local-error',
        cause: 'this machine ran out of socket buffers (ENOBUFS): these flows could not be tried, which says nothing about the site',
        fix: 'free that resource on this machine (open files: raise ulimit -n) or check fewer flows at once, then run the check again',
        flows: ['a.example:443'],
      },
    ]);
  });

  it('the RFC 8305 order: duplicates dropped, IPv6 first, interleaved, a few per family', () => {
    const a = (address: string) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 });
    const { chosen, untried } = attemptOrder([a('192.0.2.1'), a('192.0.2.1'), a('192.0.2.2'), a('192.0.2.3'), a('192.0.2.4'), a('2001:db8::1')], 3);
    expect(chosen.map((c) => c.address)).toEqual(['2001:db8::1', '192.0.2.1', '192.0.2.2', '192.0.2.3']);
    expect(untried).toBe(2);
  });

  it('sorts answers: public and special are usable, sinkhole answers never', () => {
    const sorted = sortAnswers(
      ['8.8.8.8', '10.1.1.1', '0.0.0.0', '255.255.255.255', '239.1.1.1', '240.1.1.1', '198.18.0.5', '::', 'ff05::2', '::ffff:0.0.0.0', '2001:db8::1'].map(
        (address) => ({ address }),
      ),
    );
    expect(sorted.usable.map((u) => u.address)).toEqual(['8.8.8.8', '10.1.1.1', '198.18.0.5']);
    expect(sorted.special).toEqual([
      { address: '10.1.1.1', range: 'private' },
      { address: '198.18.0.5', range: 'benchmarking' },
    ]);
    expect(sorted.sinkhole.map((x) => x.range)).toEqual([
      'unspecified',
      'broadcast',
      'multicast',
      'reserved',
      'unspecified',
      'multicast',
      'unspecified',
      'reserved',
    ]);
  });

  it('warns about a failed family once per resolver and reason, naming IPv6 devices for AAAA', () => {
    const dns = (host: string, type: 'A' | 'AAAA', reason: string) =>
      result({ host, dns: { server: '10.0.0.53:53', port: 53, chain: [host], ttl: 60, special: [], sinkhole: [], failures: [{ type, reason }] } });
    const s = summarise([dns('a.example', 'AAAA', 'REFUSED'), dns('b.example', 'AAAA', 'REFUSED'), dns('c.example', 'A', 'SERVFAIL')]);
    expect(s.causes).toEqual([]);
    expect(s.warnings).toEqual([
      {
        cause: 'the resolver 10.0.0.53:53 answers A but fails AAAA for these names (AAAA: REFUSED)',
        fix: 'IPv4 devices are not affected; make 10.0.0.53:53 answer AAAA for a.example and b.example (an empty answer is fine), or IPv6 and dual-stack devices may wait or fail',
        flows: ['a.example:443', 'b.example:443'],
      },
      {
        cause: 'the resolver 10.0.0.53:53 answers AAAA but fails A for these names (A: SERVFAIL)',
        fix: 'make 10.0.0.53:53 answer A for c.example: IPv4-only devices cannot reach them',
        flows: ['c.example:443'],
      },
    ]);
  });
});
