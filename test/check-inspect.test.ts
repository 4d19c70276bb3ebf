// The pure parts behind "denied by the inspecting proxy" and the proxy's authentication
// findings (our own HTTP head reader, the judging of answers, the summary's causes), and
// the CONNECT and the probe against tiny servers on 127.0.0.1.
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkResult } from './helpers/check-result.js';
import type { HttpProbe } from '../src/core/check/result.js';
import { summarise } from '../src/core/check/summary.js';
import { authSchemes, readHead } from '../src/net/check/http-head.js';
import { judgeAnswer, mayProbe, probeRequest, probeText } from '../src/net/check/probe.js';
import { CONNECT_HEAD_LIMIT, connectProblem, connectViaProxy } from '../src/net/check/proxy-connect.js';
import { handshake } from '../src/net/check/tls.js';
import { cli } from './helpers/cli.js';
import { makePki } from './helpers/pki.js';
import { hasTool } from './helpers/system.js';
import { tempDirs } from './helpers/tmp.js';

const b = (text: string) => Buffer.from(text, 'latin1');

describe('readHead', () => {
  it('reads a status line and headers, and keeps what follows the blank line', () => {
    const r = readHead(b('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="x"\r\nX-Long:  a\r\n  folded\r\n\r\nbody'), 1024);
    expect(r).toEqual({
      kind: 'head',
      head: {
        status: 407,
        headers: [
          ['proxy-authenticate', 'Basic realm="x"'],
          ['x-long', 'a folded'],
        ],
        complete: true,
        rest: b('body'),
      },
    });
  });

  it('takes bare LF line ends, and a status line without a reason', () => {
    expect(readHead(b('HTTP/1.0 200\n\n'), 1024)).toMatchObject({ kind: 'head', head: { status: 200, headers: [], complete: true } });
    expect(readHead(b('HTTP/1.1 200 Connection established\r\n\r\n'), 1024)).toMatchObject({ kind: 'head', head: { status: 200, rest: Buffer.alloc(0) } });
  });

  it('waits for more while the head is short of its blank line and the limit', () => {
    for (const part of ['', 'H', 'HTTP/1.1 40', 'HTTP/1.1 407 x\r\n', 'HTTP/1.1 407 x\r\nA: b\r\n']) expect(readHead(b(part), 1024)).toEqual({ kind: 'more' });
  });

  it('an overlong head is cut at the limit and still judged by its status line', () => {
    const huge = `HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nX-Padding: ${'a'.repeat(100_000)}\r\nProxy-Authenticate: Basic\r\n\r\n`;
    const r = readHead(b(huge), CONNECT_HEAD_LIMIT);
    expect(r).toMatchObject({ kind: 'head', head: { status: 407, complete: false, headers: [['proxy-authenticate', 'NTLM']] } });
  });

  it('when no more will come, a whole status line is enough', () => {
    expect(readHead(b('HTTP/1.1 403 Forbidden\r\nServer: squid'), 1024, true)).toMatchObject({
      kind: 'head',
      head: { status: 403, complete: false, headers: [] },
    });
    expect(readHead(b('HTTP/1.1 40'), 1024, true)).toEqual({ kind: 'garbage' });
  });

  it('skips interim 1xx answers', () => {
    expect(readHead(b('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n'), 1024)).toMatchObject({ kind: 'head', head: { status: 200 } });
    expect(readHead(b('HTTP/1.1 100 Continue\r\n\r\n'), 1024)).toEqual({ kind: 'more' });
    expect(readHead(b('HTTP/1.1 100 Continue\r\n\r\n'), 1024, true)).toEqual({ kind: 'garbage' });
  });

  it('garbage is garbage, at once', () => {
    for (const bad of [
      'SSH-2.0-OpenSSH_9.2\r\n',
      '\u0016\u0003\u0001\u0000',
      'HTTP/1.1 2000 OK\r\n\r\n',
      'HTTP/1.1 OK 200\r\n\r\n',
      'http/1.1 200 OK\r\n\r\n',
      'HTTP/1.1 099 x\r\n\r\n',
      '<html>',
    ]) {
      expect(readHead(b(bad), 1024), JSON.stringify(bad)).toEqual({ kind: 'garbage' });
    }
    expect(readHead(Buffer.from([0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31, 0x20, 0x32, 0x30, 0x30, 0xff, 0x0a, 0x0a]), 1024)).toEqual({
      kind: 'garbage',
    });
  });

  it('a status line longer than the limit is garbage, not a wait forever', () => {
    expect(readHead(b(`HTTP/1.1 200 ${'x'.repeat(2000)}`), 1024)).toEqual({ kind: 'garbage' });
  });

  it('keeps at most 200 headers, and drops lines that are no header', () => {
    const many = `HTTP/1.1 407 x\r\n${'A: 1\r\n'.repeat(5000)}no colon here\r\n\r\n`;
    const r = readHead(b(many), 64 * 1024);
    expect(r.kind === 'head' && r.head.headers.length).toBe(200);
    expect(readHead(b('HTTP/1.1 407 x\r\nno colon\r\n: empty\r\nBad Name: x\r\nOk: y\r\n\r\n'), 1024)).toMatchObject({ head: { headers: [['ok', 'y']] } });
  });
});

describe('authSchemes', () => {
  it('names each scheme once, as written, and skips parameters (also quoted commas)', () => {
    expect(authSchemes(['Basic realm="a, b=c", charset="UTF-8"'])).toEqual(['Basic']);
    expect(authSchemes(['NTLM', 'Negotiate'])).toEqual(['NTLM', 'Negotiate']);
    expect(authSchemes(['Negotiate YIIabc==, NTLM TlRMTVNT, basic realm=x', 'Basic realm="y"'])).toEqual(['Negotiate', 'NTLM', 'basic']);
    expect(authSchemes(['realm=x', '', ', ,'])).toEqual([]);
  });
});

describe('connectProblem', () => {
  it('a 407 (or 401) without Basic among its schemes is auth-scheme; with Basic or no challenge, auth', () => {
    expect(connectProblem(407, ['NTLM'])).toBe('auth-scheme');
    expect(connectProblem(407, ['Negotiate', 'NTLM'])).toBe('auth-scheme');
    expect(connectProblem(401, ['Negotiate'])).toBe('auth-scheme');
    expect(connectProblem(407, ['Negotiate', 'BASIC'])).toBe('auth');
    expect(connectProblem(407, [])).toBe('auth');
    expect(connectProblem(403, ['NTLM'])).toBe('denied');
    expect(connectProblem(502, [])).toBe('upstream');
  });
});

describe('judgeAnswer (HEAD / inside an inspected session)', () => {
  const answer = (text: string) => judgeAnswer(readHead(b(text), 4096, true));

  it("Squid's error page is a denial, with its marks", () => {
    expect(answer('HTTP/1.1 403 Forbidden\r\nServer: squid/5.7\r\nX-Squid-Error: ERR_ACCESS_DENIED 0\r\n\r\n')).toEqual({
      httpStatus: 403,
      server: 'squid/5.7',
      proxyError: 'X-Squid-Error: ERR_ACCESS_DENIED 0',
      denied: true,
      marked: true,
    });
  });

  it('403, 407 and 451 deny; so does a proxy error header or a proxy naming itself in an error', () => {
    for (const status of [403, 407, 451]) expect(answer(`HTTP/1.1 ${status} x\r\n\r\n`).denied).toBe(true);
    expect(answer('HTTP/1.1 503 Service Unavailable\r\nX-Squid-Error: ERR_CONNECT_FAIL 111\r\n\r\n').denied).toBe(true);
    expect(answer('HTTP/1.1 302 Found\r\nServer: FortiGate\r\nLocation: https://fw/block\r\n\r\n').denied).toBe(true);
    expect(answer('HTTP/1.1 503 x\r\nServer: PAN-OS\r\n\r\n').denied).toBe(true);
  });

  it("an origin's ordinary answer is not a denial", () => {
    for (const status of [200, 204, 301, 302, 400, 404, 405, 500, 503]) {
      expect(answer(`HTTP/1.1 ${status} x\r\nServer: nginx\r\nVia: 1.1 proxy (squid/5.7)\r\n\r\n`), String(status)).toMatchObject({
        httpStatus: status,
        server: 'nginx',
        proxyError: null,
        denied: false,
      });
    }
    // The proxy's name on a success is the origin's page passed on, not a block.
    expect(answer('HTTP/1.1 200 OK\r\nServer: squid\r\n\r\n').denied).toBe(false);
  });

  it('silence, garbage or an unfinished status line is "no HTTP answer", never a denial', () => {
    const none: HttpProbe = { httpStatus: null, server: null, proxyError: null, denied: false, marked: false };
    expect(judgeAnswer({ kind: 'more' })).toEqual(none);
    expect(judgeAnswer(readHead(b('SSH-2.0-x\r\n'), 4096, true))).toEqual(none);
    expect(judgeAnswer(readHead(b(''), 4096, true))).toEqual(none);
    expect(probeText(none)).toBe('HEAD / inside it: no HTTP answer');
  });

  it('remote text is escaped and bounded', () => {
    const p = answer(`HTTP/1.1 403 x\r\nServer: evil\u001b[31m\u0085${'s'.repeat(500)}\r\nX-Squid-Error: ${'e'.repeat(500)}\r\n\r\n`);
    expect(p.server).toMatch(/^evil\\u001b\[31m\\u0085s+$/);
    expect(p.server?.length).toBe(100);
    expect(p.proxyError?.length).toBe(120);
  });

  it('the request carries no credentials, and MQTT flows get none', () => {
    expect(probeRequest('camapi.srv.ygles.com', 443)).toBe(
      'HEAD / HTTP/1.1\r\nHost: camapi.srv.ygles.com\r\nUser-Agent: emaint-egress-check\r\nAccept: */*\r\nConnection: close\r\n\r\n',
    );
    expect(probeRequest('h.example', 8443)).toContain('\r\nHost: h.example:8443\r\n');
    expect(mayProbe(443, null)).toBe(true);
    expect(mayProbe(8443, null)).toBe(true);
    expect(mayProbe(8883, null)).toBe(false);
    expect(mayProbe(443, 'x-amzn-mqtt-ca')).toBe(false);
  });
});

// ---------------------------------------------------------------- summary

const result = checkResult;

const TLS = { version: 'TLSv1.3', alpn: null, issuer: 'Corp CA', subject: null, expires: null, error: 'SELF_SIGNED_CERT_IN_CHAIN' };

describe('summarise: denied inside the inspection, and a proxy without Basic', () => {
  it('a denied host has the inspection cause and a second cause with its own fix', () => {
    const probe: HttpProbe = { httpStatus: 403, server: 'squid/5.7', proxyError: 'X-Squid-Error: ERR_ACCESS_DENIED 0', denied: true, marked: true };
    const s = summarise([
      result({ host: 'a.example', status: 'tls-untrusted', issuer: 'Corp CA', tls: { ...TLS, probe } }),
      result({ host: 'b.example', status: 'tls-untrusted', issuer: 'Corp CA', tls: { ...TLS, probe } }),
      result({
        host: 'c.example',
        status: 'tls-untrusted',
        issuer: 'Corp CA',
        tls: { ...TLS, probe: { httpStatus: 404, server: 'nginx', proxyError: null, denied: false, marked: false } },
      }),
      result({
        host: 'd.example',
        status: 'tls-untrusted',
        issuer: 'Corp CA',
        tls: { ...TLS, probe: { httpStatus: null, server: null, proxyError: null, denied: false, marked: false } },
      }),
    ]);
    expect(s.failed).toBe(4);
    expect(s.counts['tls-untrusted']).toBe(4);
    expect(s.causes).toEqual([
      {
        status: 'tls-untrusted',
        cause: 'certificates issued by "Corp CA", which the system does not trust: TLS inspection',
        fix: 'exempt a.example, b.example, c.example and d.example from TLS inspection',
        flows: ['a.example:443', 'b.example:443', 'c.example:443', 'd.example:443'],
      },
      {
        status: 'tls-untrusted',
        cause:
          'the inspecting proxy/firewall denies these hosts: it answers HEAD / inside the inspected session itself (HTTP 403, X-Squid-Error: ERR_ACCESS_DENIED 0, Server: squid/5.7)',
        fix: 'allow a.example and b.example in the web/URL filter policy of the inspecting proxy/firewall (besides the TLS inspection exemption)',
        flows: ['a.example:443', 'b.example:443'],
      },
    ]);
  });

  it('a bare 403 without a proxy mark is "likely denied", and says the server itself may refuse', () => {
    const bare: HttpProbe = { httpStatus: 403, server: 'AmazonS3', proxyError: null, denied: true, marked: false };
    const s = summarise([result({ host: 'a.example', status: 'tls-untrusted', issuer: 'Corp CA', tls: { ...TLS, probe: bare } })]);
    expect(s.causes[1]?.cause).toBe(
      'the inspecting proxy/firewall likely denies these hosts: it answers HEAD / inside the inspected session itself (HTTP 403, Server: AmazonS3; no proxy mark, so the server itself may refuse a bare HEAD /)',
    );
    expect(judgeAnswer(readHead(Buffer.from('HTTP/1.1 403 Forbidden\r\nServer: AmazonS3\r\n\r\n'), 4096, true))).toMatchObject({ denied: true, marked: false });
  });

  it('a proxy that offers only NTLM names the scheme, the agents and both fixes', () => {
    const r = (host: string, agents: string[]) =>
      result({
        host,
        agents,
        status: 'proxy-error',
        route: 'proxy p.example:8080',
        proxyProblem: 'auth-scheme',
        proxyStatus: 407,
        proxyAuthSchemes: ['Negotiate', 'NTLM'],
      });
    const s = summarise([r('a.example', ['erds']), r('b.example', ['erds', 'cca']), r('c.example', ['rdms'])]);
    expect(s.causes).toEqual([
      {
        status: 'proxy-error',
        cause:
          'the proxy p.example:8080 offers only Negotiate, NTLM authentication (HTTP 407): eRDS supports only Basic, so the devices cannot pass it whatever the password',
        fix: "enable Basic authentication on p.example:8080 for the devices' subnet, or exempt a.example, b.example and c.example from proxy authentication (affects agents erds, cca, rdms)",
        flows: ['a.example:443', 'b.example:443', 'c.example:443'],
      },
    ]);
  });
});

// ---------------------------------------------------------------- tiny servers on loopback

const servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A fake proxy on 127.0.0.1 that answers CONNECT with `answer` (written in pieces), then does `after`. */
async function fakeProxy(answer: string[], after: 'close' | 'hold' = 'close'): Promise<number> {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => {
      for (const piece of answer) s.write(piece);
      if (after === 'close') s.end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

async function viaFake(answer: string[], after: 'close' | 'hold' = 'close', auth: { user: string; password: string } | null = null) {
  const port = await fakeProxy(answer, after);
  return connectViaProxy(
    { host: '127.0.0.1', port, text: `127.0.0.1:${port}`, auth },
    [{ address: '127.0.0.1', family: 4 }],
    'camapi.srv.ygles.com',
    443,
    1500,
  );
}

describe('CONNECT through a fake proxy on 127.0.0.1', () => {
  const padding = `X-Padding: ${'p'.repeat(100_000)}\r\n`;

  it('a 407 with a huge header is an auth problem, not "proxy not reachable: HPE_HEADER_OVERFLOW"', async () => {
    const t = await viaFake([`HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\n${padding}\r\n`]);
    expect(t).toMatchObject({ ok: false, problem: 'auth', status: 407, detail: expect.stringMatching(/wants authentication .*\(HTTP 407\)$/) });
  });

  it('and the check says so, with the fix for credentials', async () => {
    const port = await fakeProxy([`HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\n${padding}\r\n`]);
    const r = await cli('check', '--agents', 'rdms', '--timeout', '2000', '--json', '--proxy', `http://127.0.0.1:${port}`);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { results: { proxyProblem?: string; proxyStatus?: number }[]; summary: { causes: { cause: string; fix: string }[] } };
    expect(out.results.map((x) => `${x.proxyProblem}/${x.proxyStatus}`)).toEqual(['auth/407', 'auth/407', 'auth/407']);
    expect(out.summary.causes.map((c) => c.cause)).toEqual([`the proxy 127.0.0.1:${port} wants other credentials (HTTP 407)`]);
  });

  it('so is one that stops in the middle of its huge head and holds the connection', async () => {
    const t = await viaFake(['HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n', padding.slice(0, 20_000)], 'hold');
    expect(t).toMatchObject({ ok: false, problem: 'auth', status: 407 });
  });

  it('a 407 that offers only NTLM, even with a huge header after, is auth-scheme', async () => {
    const t = await viaFake(
      [`HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nProxy-Authenticate: Negotiate\r\n${padding}\r\n`],
      'close',
      { user: 'u', password: 'p' },
    );
    expect(t).toMatchObject({ ok: false, problem: 'auth-scheme', status: 407, authSchemes: ['NTLM', 'Negotiate'] });
    expect(t.ok === false && t.detail).toMatch(/^the proxy 127\.0\.0\.1:\d+ offers only NTLM or Negotiate authentication, not Basic \(HTTP 407\)$/);
  });

  it('garbage, silence and a closed connection are the proxy failing, in words', async () => {
    expect(await viaFake(['SSH-2.0-OpenSSH\r\n'])).toMatchObject({
      problem: 'unreachable',
      detail: expect.stringMatching(/failed: its answer to CONNECT is not HTTP$/),
    });
    expect(await viaFake([])).toMatchObject({
      problem: 'unreachable',
      detail: expect.stringMatching(/failed: it closed the connection without answering CONNECT$/),
    });
    expect(await viaFake([], 'hold')).toMatchObject({ problem: 'no-answer' });
    expect(await viaFake(['HTTP/1.1 200 OK\r\n\r\nSSH-2.0-x\r\n'], 'hold')).toMatchObject({
      problem: 'unreachable',
      detail: expect.stringMatching(/data arrived before the TLS handshake$/),
    });
  });

  it('a 200 opens the tunnel, and the proxy sees Basic credentials only in the CONNECT', async () => {
    let seen = '';
    const server = net.createServer((s) => {
      s.on('error', () => {});
      s.once('data', (d) => {
        seen = d.toString('latin1');
        s.write('HTTP/1.1 200 Connection established\r\n\r\n');
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const t = await connectViaProxy(
      { host: '127.0.0.1', port, text: `127.0.0.1:${port}`, auth: { user: 'u', password: 'pw' } },
      [{ address: '127.0.0.1', family: 4 }],
      'h.example',
      443,
      1500,
    );
    expect(t.ok).toBe(true);
    if (t.ok) t.socket.destroy();
    expect(seen).toBe(`CONNECT h.example:443 HTTP/1.1\r\nHost: h.example:443\r\nProxy-Authorization: Basic ${Buffer.from('u:pw').toString('base64')}\r\n\r\n`);
  });
});

const pkiDir = tempDirs('ee-inspect-');
describe.skipIf(!hasTool('openssl'))('the probe after an untrusted handshake, against a TLS server on 127.0.0.1', () => {
  /** An "inspecting" TLS server (a CA the check does not trust) that answers the first request with `answer`. */
  async function inspector(answer: string | null): Promise<{ port: number; requests: string[] }> {
    const pki = makePki(pkiDir(), ['camapi.srv.ygles.com', 'iot.example']);
    const requests: string[] = [];
    const server = tls.createServer(
      { cert: readFileSync(pki.inspected.cert), key: readFileSync(pki.inspected.key), ALPNProtocols: ['x-amzn-mqtt-ca'] },
      (s) => {
        s.on('error', () => {});
        s.on('data', (d) => {
          requests.push(d.toString('latin1'));
          if (answer !== null) s.end(answer);
        });
      },
    );
    server.on('tlsClientError', () => {});
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { port: (server.address() as net.AddressInfo).port, requests };
  }

  async function check(port: number, host: string, alpn: string | null, flowPort: number) {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => socket.once('connect', r));
    return handshake(socket, host, alpn, 1500, flowPort);
  }

  it('a block page inside the session is reported as denied, next to the inspection', async () => {
    const s = await inspector('HTTP/1.1 451 Unavailable For Legal Reasons\r\nServer: FortiGate\r\n\r\n');
    const t = await check(s.port, 'camapi.srv.ygles.com', null, 443);
    expect(t.status).toBe('tls-untrusted');
    expect(t.finding.probe).toEqual({ httpStatus: 451, server: 'FortiGate', proxyError: null, denied: true, marked: true });
    expect(t.detail).toMatch(/TLS inspection\?; HEAD \/ inside it: HTTP 451 \(Server: FortiGate\): denied by the inspecting proxy\/firewall$/);
    expect(s.requests).toEqual([probeRequest('camapi.srv.ygles.com', 443)]);
  });

  it('a server that says nothing is "no HTTP answer" within the timeout, not denied', async () => {
    const s = await inspector(null);
    const t = await check(s.port, 'camapi.srv.ygles.com', null, 443);
    expect(t.status).toBe('tls-untrusted');
    expect(t.finding.probe).toEqual({ httpStatus: null, server: null, proxyError: null, denied: false, marked: false });
    expect(t.ms).toBeLessThan(10_000);
  });

  it('never on the MQTT flows: no request reaches the server on 8883 or with ALPN', async () => {
    const s = await inspector('HTTP/1.1 403 Forbidden\r\n\r\n');
    const mqtt = await check(s.port, 'iot.example', null, 8883);
    const alpn = await check(s.port, 'iot.example', 'x-amzn-mqtt-ca', 443);
    expect([mqtt.status, alpn.status]).toEqual(['tls-untrusted', 'tls-untrusted']);
    expect(mqtt.finding.probe).toBeUndefined();
    expect(alpn.finding.probe).toBeUndefined();
    await new Promise((r) => setTimeout(r, 100));
    expect(s.requests).toEqual([]);
  });
});
