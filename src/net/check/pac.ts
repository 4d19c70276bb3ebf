// A PAC file, run as the devices would run it, to learn each host's route. The file is
// somebody else's JavaScript: it runs in a QuickJS sandbox (pac-resolver on
// quickjs-wasi) with a time and memory limit, and its DNS functions ask the site's
// resolver, like everything else in the check.
import ipaddr from 'ipaddr.js';
import pLimit from 'p-limit';
import { createPacResolver } from 'pac-resolver';
import { QuickJS } from 'quickjs-wasi';
import { type PacRoute, parsePacResult } from '../../core/check/proxy.js';
import { InputError } from '../../core/errors.js';
import { oneLine } from '../../core/text.js';
import type { Resolver } from './lookup.js';
import { memo } from './memo.js';

export class PacFileError extends InputError {
  override name = 'PacFileError';
}

export type PacAnswer = PacRoute | { kind: 'error'; detail: string };

export interface PacRouter {
  route(host: string, port: number): Promise<PacAnswer>;
}

const MEMORY_LIMIT = 64 * 1024 * 1024;

/** Compiles the PAC text; a file that does not define FindProxyForURL is bad input. */
/** `myIp` answers myIpAddress(): this host's address toward the site's network. */
export async function loadPac(text: string, file: string, resolver: Resolver, timeoutMs: number, myIp: string): Promise<PacRouter> {
  let deadline = Date.now() + timeoutMs;
  const vm = await QuickJS.create({ memoryLimit: MEMORY_LIMIT, interruptHandler: () => Date.now() > deadline });
  const firstV4 = async (host: string): Promise<string | null> => {
    if (ipaddr.IPv4.isValidFourPartDecimal(host)) return host;
    const r = await resolver(String(host).toLowerCase());
    return r.ok ? (r.addresses.find((a) => a.family === 4)?.address ?? null) : null;
  };
  const sandbox = {
    alert: () => {},
    dnsResolve: async (host: string) => firstV4(host),
    isResolvable: async (host: string) => (await firstV4(host)) !== null,
    isInNet: async (host: string, pattern: string, mask: string) => {
      const address = await firstV4(host);
      return address !== null && inNet(address, pattern, mask);
    },
    myIpAddress: () => myIp,
  };
  let find: (url: string, host: string) => Promise<unknown>;
  try {
    find = createPacResolver(vm as never, text, { sandbox, filename: 'proxy.pac' }) as (url: string, host: string) => Promise<unknown>;
  } catch (err) {
    throw new PacFileError(`--pac ${file}: not a usable PAC file: ${errorLine(err)}`);
  }
  // One sandbox, one call at a time; each host and port is asked once.
  const one = pLimit(1);
  const ask = (host: string, port: number): Promise<PacAnswer> =>
    one(async () => {
      deadline = Date.now() + timeoutMs;
      // The interrupt only stops running JS; an answer that never settles (a pending
      // promise) is cut off here, so later hosts do not wait behind it.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<PacAnswer>((resolve) => {
        timer = setTimeout(() => resolve({ kind: 'error', detail: `FindProxyForURL did not answer within ${timeoutMs} ms` }), timeoutMs);
      });
      const asked = find(`https://${host}${port === 443 ? '' : `:${port}`}/`, host).then(
        (answer): PacAnswer => parsePacResult(answer),
        (err: unknown): PacAnswer => ({ kind: 'error', detail: `FindProxyForURL failed: ${errorLine(err)}` }),
      );
      try {
        return await Promise.race([asked, late]);
      } finally {
        clearTimeout(timer);
      }
    });
  const route = memo((key: string) => {
    const colon = key.lastIndexOf(':');
    return ask(key.slice(0, colon), Number(key.slice(colon + 1)));
  });
  return { route: (host, port) => route(`${host}:${port}`) };
}

/** isInNet(): an IPv4 address against a pattern and a dotted mask. */
function inNet(address: string, pattern: string, mask: string): boolean {
  if (!ipaddr.IPv4.isValidFourPartDecimal(String(pattern)) || !ipaddr.IPv4.isValidFourPartDecimal(String(mask))) return false;
  const a = ipaddr.IPv4.parse(address).toByteArray();
  const p = ipaddr.IPv4.parse(String(pattern)).toByteArray();
  const m = ipaddr.IPv4.parse(String(mask)).toByteArray();
  return a.every((byte, i) => (byte & (m[i] ?? 0)) === ((p[i] ?? 0) & (m[i] ?? 0)));
}

function errorLine(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err));
}
