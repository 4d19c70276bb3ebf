// The PAC file of `check`, run in its QuickJS sandbox: routes, the time limit, bad files,
// the DNS functions on the given resolver, and no way out to Node. No network: the
// resolver is a function of the test. The sandbox's worker threads run the built
// dist/net/check/pac-worker.js (`npm test` builds first).
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import type { Resolver } from '../src/net/check/lookup.js';
import { PAC_LOAD_MS, type PacAnswer, PacFileError, type PacRouter, loadPac } from '../src/net/check/pac.js';
import { PAC_FILES as FILES, fakeResolver } from './helpers/pac-sandbox.js';

const MY_IP = '192.0.2.7';

const NO_DNS = fakeResolver({});

const routers: PacRouter[] = [];
afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.close()));
});

async function pac(body: string, resolver: Resolver = NO_DNS, timeoutMs = 2000): Promise<PacRouter> {
  const router = await loadPac(`function FindProxyForURL(url, host) {\n${body}\n}`, 'site.pac', resolver, timeoutMs, MY_IP, FILES);
  routers.push(router);
  return router;
}

/** The route, or 'pending' when it has not settled within `ms`. */
function within(answer: Promise<PacAnswer>, ms: number): Promise<PacAnswer | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), ms)));
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

async function loadError(text: string, timeoutMs = 2000): Promise<Error> {
  try {
    await loadPac(text, 'site.pac', NO_DNS, timeoutMs, MY_IP, FILES);
  } catch (err) {
    return err as Error;
  }
  throw new Error('loadPac accepted the file');
}

describe('loadPac: routes', () => {
  it('routes DIRECT and PROXY as the file says, by host', async () => {
    const router = await pac(`
      if (dnsDomainIs(host, ".direct.example")) return "DIRECT";
      if (shExpMatch(host, "*.amazonaws.com")) return "PROXY proxy.example:8080; DIRECT";
      return "PROXY other.example:3128";`);
    expect(await router.route('a.direct.example', 443)).toEqual({ kind: 'direct' });
    expect(await router.route('kinesis.eu-central-1.amazonaws.com', 443)).toEqual({
      kind: 'proxy',
      host: 'proxy.example',
      port: 8080,
      text: 'proxy.example:8080',
    });
    expect(await router.route('x.example', 443)).toEqual({ kind: 'proxy', host: 'other.example', port: 3128, text: 'other.example:3128' });
  });

  it('gives FindProxyForURL an https URL with the port where it is not 443', async () => {
    const router = await pac(`return url === "https://a.example/" || url === "https://b.example:8883/" ? "DIRECT" : "SOCKS " + url;`);
    expect(await router.route('a.example', 443)).toEqual({ kind: 'direct' });
    expect(await router.route('b.example', 8883)).toEqual({ kind: 'direct' });
  });

  it('reports SOCKS and HTTPS answers as unsupported', async () => {
    const router = await pac(`return host === "s.example" ? "SOCKS5 s.example:1080" : "HTTPS h.example:443";`);
    expect(await router.route('s.example', 443)).toEqual({ kind: 'unsupported', entry: 'SOCKS5 s.example:1080' });
    expect(await router.route('h.example', 443)).toEqual({ kind: 'unsupported', entry: 'HTTPS h.example:443' });
  });

  it('asks the file once per host and port', async () => {
    const resolver = fakeResolver({ 'a.example': ['10.0.0.1'] });
    const router = await pac(`return dnsResolve(host) ? "DIRECT" : "PROXY p.example:1";`, resolver);
    const answers = await Promise.all([router.route('a.example', 443), router.route('a.example', 443), router.route('a.example', 443)]);
    expect(answers).toEqual([{ kind: 'direct' }, { kind: 'direct' }, { kind: 'direct' }]);
    expect(resolver.asked).toEqual(['a.example']);
  });
});

describe('loadPac: bad files are bad input', () => {
  it.each([
    ['a syntax error', 'function FindProxyForURL(url, host) { return "DIRECT" ', /^--pac site\.pac: not a usable PAC file: .+/],
    ['no FindProxyForURL', 'var x = 1;', /^--pac site\.pac: not a usable PAC file: .*FindProxyForURL/],
    ['FindProxyForURL not a function', 'var FindProxyForURL = 5;', /^--pac site\.pac: not a usable PAC file: .*FindProxyForURL/],
    ['an empty file', '', /^--pac site\.pac: not a usable PAC file: .*FindProxyForURL/],
    [
      'an error at the top level',
      'throw new Error("top\\u001b[2J"); function FindProxyForURL() { return "DIRECT"; }',
      /^--pac site\.pac: not a usable PAC file: top\\u001b\[2J$/,
    ],
  ])('%s', async (_, text, message) => {
    const err = await loadError(text);
    expect(err).toBeInstanceOf(PacFileError);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/[\u0000-\u001f]/);
  });

  it('an endless loop at the top level is stopped by the load time limit', async () => {
    const started = Date.now();
    const err = await loadError('while (true) {}\nfunction FindProxyForURL() { return "DIRECT"; }', 300);
    expect(Date.now() - started).toBeLessThan(PAC_LOAD_MS + 3000);
    expect(err).toBeInstanceOf(PacFileError);
    expect(err.message).toBe(`--pac site.pac: not a usable PAC file: its top level did not finish within ${PAC_LOAD_MS} ms`);
  });

  it('a good file loads however short the per-phase timeout: a slow start of the sandbox (a busy laptop) is not the file\u2019s fault', async () => {
    // 1 ms is shorter than any worker's start: the load has its own, longer time limit.
    const router = await loadPac('function FindProxyForURL(url, host) { return "DIRECT"; }', 'site.pac', NO_DNS, 1, MY_IP, FILES);
    await router.close();
  });

  it('a top level that takes more than the memory limit is bad input', async () => {
    const err = await loadError('var a = []; while (true) a.push(new Array(100000).fill(1));\nfunction FindProxyForURL() { return "DIRECT"; }', 20_000);
    expect(err).toBeInstanceOf(PacFileError);
    expect(err.message).toBe('--pac site.pac: not a usable PAC file: its top level used more than 64 MiB');
  });
});

describe('loadPac: the time and memory limits', () => {
  it('stops an endless loop within the timeout, and the router still works for the next host', async () => {
    const router = await pac(`if (host === "loop.example") { while (true) {} } return "DIRECT";`, NO_DNS, 300);
    const started = Date.now();
    const looped = await within(router.route('loop.example', 443), 5000);
    const took = Date.now() - started;
    expect(looped).toEqual({ kind: 'error', detail: 'FindProxyForURL was interrupted: it did not finish within 300 ms' });
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(3000);
    expect(await within(router.route('next.example', 443), 2000)).toEqual({ kind: 'direct' });
  });

  it('gives each host the whole timeout, not what is left of the load', async () => {
    const router = await pac(`var t = Date.now(); while (Date.now() - t < 200) {} return "DIRECT";`, NO_DNS, 500);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await router.route('a.example', 443)).toEqual({ kind: 'direct' });
    expect(await router.route('b.example', 443)).toEqual({ kind: 'direct' });
  });

  // quickjs-wasi's memoryLimit does not count array storage; the cap on the engine's
  // WebAssembly memory does.
  it('stops a file that takes more than the 64 MiB memory limit, array storage included', async () => {
    // About 130 MB of arrays, twice the limit, well inside the timeout.
    const router = await pac(
      `if (host === "big.example") { var a = []; for (var i = 0; i < 120; i++) a.push(new Array(100000).fill(i)); } return "DIRECT";`,
      NO_DNS,
      20_000,
    );
    expect(await router.route('big.example', 443)).toEqual({ kind: 'error', detail: 'FindProxyForURL was stopped: it used more than 64 MiB' });
    expect(await router.route('small.example', 443)).toEqual({ kind: 'direct' });
  });

  it('starts each host in a fresh engine: what one host keeps does not reach the next', async () => {
    const router = await pac(
      `if (typeof kept === "undefined") kept = []; kept.push(new Array(3000000).fill(host)); return "PROXY p.example:" + kept.length;`,
      NO_DNS,
      20_000,
    );
    for (const host of ['a.example', 'b.example', 'c.example', 'd.example']) {
      expect(await router.route(host, 443)).toMatchObject({ kind: 'proxy', text: 'p.example:1' });
    }
  });

  it('stops a file that builds an ever longer string', async () => {
    const router = await pac(`if (host === "big.example") { var s = "x"; while (true) s = s + s; } return "DIRECT";`, NO_DNS, 2000);
    expect(await within(router.route('big.example', 443), 5000)).toMatchObject({ kind: 'error' });
    expect(await router.route('small.example', 443)).toEqual({ kind: 'direct' });
  });

  it('a FindProxyForURL that returns a promise that never settles is an error within the timeout', async () => {
    // The interrupt handler only runs while JS runs: a pending promise escapes the time
    // limit, and since the router asks the file one host at a time, every later host waits too.
    const router = await pac(`if (host === "never.example") return new Promise(function () {}); return "DIRECT";`, NO_DNS, 300);
    expect(await within(router.route('never.example', 443), 3000)).toMatchObject({ kind: 'error' });
    expect(await within(router.route('next.example', 443), 3000)).toEqual({ kind: 'direct' });
  });
});

describe('loadPac: DNS functions use the given resolver', () => {
  const resolver = () => fakeResolver({ 'in.example': ['10.1.2.3'], 'v6.example': ['2001:db8::1', '10.9.9.9'], 'only6.example': ['2001:db8::2'] });

  it('dnsResolve gives the first IPv4 address, null where there is none, and lower-cases the name', async () => {
    const r = resolver();
    const router = await pac(`var a = dnsResolve(host); return a === null ? "PROXY none.example:1" : "PROXY " + a + ":8080";`, r);
    expect(await router.route('in.example', 443)).toMatchObject({ kind: 'proxy', text: '10.1.2.3:8080' });
    expect(await router.route('v6.example', 443)).toMatchObject({ kind: 'proxy', text: '10.9.9.9:8080' });
    expect(await router.route('only6.example', 443)).toMatchObject({ kind: 'proxy', text: 'none.example:1' });
    expect(await router.route('missing.example', 443)).toMatchObject({ kind: 'proxy', text: 'none.example:1' });
    expect(r.asked).toEqual(['in.example', 'v6.example', 'only6.example', 'missing.example']);
    const upper = resolver();
    const router2 = await pac(`return "PROXY " + dnsResolve("IN.Example") + ":1";`, upper);
    expect(await router2.route('x.example', 443)).toMatchObject({ kind: 'proxy', text: '10.1.2.3:1' });
    expect(upper.asked).toEqual(['in.example']);
  });

  it('does not look up an IPv4 address', async () => {
    const r = resolver();
    const router = await pac(`return "PROXY " + dnsResolve("10.20.30.40") + ":1";`, r);
    expect(await router.route('x.example', 443)).toMatchObject({ kind: 'proxy', text: '10.20.30.40:1' });
    expect(r.asked).toEqual([]);
  });

  it('isResolvable asks the resolver', async () => {
    const r = resolver();
    const router = await pac(`return isResolvable(host) ? "DIRECT" : "PROXY p.example:1";`, r);
    expect(await router.route('in.example', 443)).toEqual({ kind: 'direct' });
    expect(await router.route('missing.example', 443)).toMatchObject({ kind: 'proxy', text: 'p.example:1' });
    expect(r.asked).toEqual(['in.example', 'missing.example']);
  });

  it('isInNet matches the resolved address against the network and mask', async () => {
    const r = resolver();
    const router = await pac(`
      if (isInNet(host, "10.1.0.0", "255.255.0.0")) return "DIRECT";
      if (isInNet(host, "10.9.9.9", "not-a-mask")) return "PROXY bad-mask.example:1";
      return "PROXY outside.example:1";`);
    expect(await router.route('in.example', 443)).toMatchObject({ kind: 'proxy', text: 'outside.example:1' }); // NO_DNS: not resolvable
    const router2 = await pac(
      `
      if (isInNet(host, "10.1.0.0", "255.255.0.0")) return "DIRECT";
      if (isInNet(host, "10.9.9.9", "not-a-mask")) return "PROXY bad-mask.example:1";
      return "PROXY outside.example:1";`,
      r,
    );
    expect(await router2.route('in.example', 443)).toEqual({ kind: 'direct' });
    expect(await router2.route('v6.example', 443)).toMatchObject({ kind: 'proxy', text: 'outside.example:1' });
    expect(await router2.route('missing.example', 443)).toMatchObject({ kind: 'proxy', text: 'outside.example:1' });
    expect(r.asked).toContain('in.example');
    expect(r.asked).toContain('v6.example');
    expect(r.asked).toContain('missing.example');
  });

  it('myIpAddress gives the address it was given', async () => {
    const router = await pac(`return "PROXY " + myIpAddress() + ":8080";`);
    expect(await router.route('a.example', 443)).toMatchObject({ kind: 'proxy', text: `${MY_IP}:8080` });
  });
});

describe('loadPac: the file cannot reach Node', () => {
  it.each([
    ['require', `return require("child_process").execSync("id").toString();`],
    ['process', `return process.env.HOME;`],
    ['globalThis.process', `return globalThis.process.env.HOME;`],
    ['the Function constructor', `var F = (function () {}).constructor; var f = F("return process.env.HOME"); return f();`],
    ['this.constructor', `var F = this.constructor.constructor; var f = F("return process.mainModule.require"); return f();`],
  ])('%s is not there: an error', async (_, body) => {
    const router = await pac(body);
    const answer = await router.route('a.example', 443);
    expect(answer.kind).toBe('error');
    expect(answer.kind === 'error' && answer.detail).toMatch(/^FindProxyForURL failed: /);
  });

  it('require, process, globalThis.process, Buffer and fetch are undefined', async () => {
    const router = await pac(`
      var F = (function () {}).constructor;
      var viaFunction = F("return typeof process");
      return "SOCKS " + [typeof require, typeof process, typeof globalThis.process, typeof Buffer, typeof fetch, typeof module, viaFunction()].join(",");`);
    expect(await router.route('a.example', 443)).toEqual({
      kind: 'unsupported',
      entry: 'SOCKS undefined,undefined,undefined,undefined,undefined,undefined,undefined',
    });
  });
});

describe('loadPac: hostile answers do not crash', () => {
  it.each([
    ['an object', `return { toString: function () { return "DIRECT"; } };`, 'a object instead of a string'],
    ['a number', `return 42;`, 'a number instead of a string'],
    ['nothing', `return;`, 'a undefined instead of a string'],
    ['null', `return null;`, 'a null instead of a string'],
    ['a function', `return function () { return "DIRECT"; };`, /instead of a string$/],
  ])('%s is unsupported', async (_, body, entry) => {
    const answer = await (await pac(body)).route('a.example', 443);
    expect(answer.kind).toBe('unsupported');
    expect(answer.kind === 'unsupported' && answer.entry).toMatch(entry);
  });

  it('a huge string is cut to a short entry', async () => {
    const router = await pac(`var s = "PROXY "; while (s.length < 8000000) s += s; return s;`);
    const answer = await router.route('a.example', 443);
    expect(answer.kind).toBe('unsupported');
    expect(answer.kind === 'unsupported' && answer.entry.length).toBeLessThanOrEqual(100);
  });

  it('a thrown error is one escaped line of bounded length', async () => {
    const router = await pac(`throw new Error("bad\\n\\u001b[2J\\u202e" + new Array(5000).join("x"));`);
    const answer = await router.route('a.example', 443);
    expect(answer.kind).toBe('error');
    if (answer.kind !== 'error') return;
    expect(answer.detail).toMatch(/^FindProxyForURL failed: bad \\u001b\[2J\\u202ex+$/);
    expect(answer.detail.length).toBeLessThanOrEqual('FindProxyForURL failed: '.length + 200);
  });

  it('a thrown non-error value is an error too', async () => {
    const answer = await (await pac(`throw 42;`)).route('a.example', 443);
    expect(answer).toMatchObject({ kind: 'error', detail: expect.stringContaining('42') });
  });

  it('odd arguments to the DNS functions do not crash the router', async () => {
    const r = fakeResolver({});
    const router = await pac(
      `var a = dnsResolve(123); var b = dnsResolve({}); var c = isInNet(null, null, null); var d = isResolvable(); var e = isInNet("10.0.0.1", {}, []);
       return "PROXY " + [a, b, c, d, e].join("-") + ":1";`, // join() shows null as ''
      r,
    );
    expect(await within(router.route('a.example', 443), 3000)).toEqual({ kind: 'unsupported', entry: 'PROXY --false-false-false:1' });
    expect(r.asked).toEqual(['123', '[object object]', 'null', 'undefined']);
  });
});
