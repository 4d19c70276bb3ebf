// A stand-in for the four OPNsense API calls the apply script makes, on loopback: Basic
// authentication with the key and secret, JSON bodies (as OPNsense's API parses them), the
// alias import validated as a whole and the rules one by one against the model constraints
// in ./opnsense.ts, answers shaped as the real controllers answer. No OPNsense runs here.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Alias, aliasProblems, ruleProblems } from './opnsense.js';

export interface OpnsenseApi {
  url: string;
  key: string;
  secret: string;
  /** Every call, in order: path and whether it succeeded. */
  calls: { path: string; ok: boolean }[];
  aliases: Map<string, Alias>;
  rules: Record<string, string>[];
  /** Rules saved since the last apply (applied: the rest). */
  pending: number;
  /** Fail the add_rule call with this 1-based number, as a validation failure would. */
  failRule: number | null;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

export async function startOpnsenseApi(): Promise<OpnsenseApi> {
  const api: OpnsenseApi = {
    url: '',
    key: 'w86XNZob/8Oq8aC5r0kbNarNtdpoQU781fyoeaOBQsBwkXUt',
    secret: 'XeD26XVrJ5ilAc/EmglCRC+0j2e57tRsjHwFBEbdomCNmaVJ+y/a',
    calls: [],
    aliases: new Map(),
    rules: [],
    pending: 0,
    failRule: null,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  let added = 0;
  const handle = (path: string, data: Record<string, unknown>): { status: number; answer: object; ok: boolean } => {
    switch (path) {
      case '/api/firewall/alias/import': {
        const incoming = ((data['data'] as Record<string, unknown> | undefined)?.['aliases'] as Record<string, unknown> | undefined)?.['alias'];
        if (typeof incoming !== 'object' || incoming === null) return { status: 200, answer: { existing: 0, new: 0, status: 'failed' }, ok: false };
        const entries = Object.entries(incoming as Record<string, unknown>);
        const names = new Set([...api.aliases.keys(), ...entries.map(([, a]) => String((a as Alias).name))]);
        const validations: Record<string, string> = {};
        for (const [key, a] of entries) for (const problem of aliasProblems(key, a, names)) validations[key] = problem;
        if (Object.keys(validations).length > 0) return { status: 200, answer: { existing: 0, new: 0, status: 'failed', validations }, ok: false };
        let existing = 0;
        for (const [, a] of entries) {
          const alias = a as Alias;
          if (api.aliases.has(alias.name)) existing++;
          api.aliases.set(alias.name, alias);
        }
        return { status: 200, answer: { existing, new: entries.length - existing, status: 'ok' }, ok: true };
      }
      case '/api/firewall/alias/reconfigure':
        return { status: 200, answer: { status: 'ok' }, ok: true };
      case '/api/firewall/filter/add_rule': {
        added++;
        const rule = data['rule'];
        const problems = ruleProblems('rule', rule, api.aliases);
        if (api.failRule === added) problems.push('rule.interface: the test fails this rule');
        if (problems.length > 0)
          return { status: 200, answer: { result: 'failed', validations: Object.fromEntries(problems.map((p, i) => [String(i), p])) }, ok: false };
        api.rules.push(rule as Record<string, string>);
        api.pending++;
        return { status: 200, answer: { result: 'saved', uuid: `00000000-0000-4000-8000-${String(added).padStart(12, '0')}` }, ok: true };
      }
      case '/api/firewall/filter/apply':
        api.pending = 0;
        // configd's answer to a script action that ended well.
        return { status: 200, answer: { status: 'OK\n\n' }, ok: true };
      default:
        return { status: 404, answer: { errorMessage: 'Endpoint not found' }, ok: false };
    }
  };
  const server: Server = createServer(async (req, res) => {
    const path = req.url ?? '';
    const text = await body(req);
    const reply = (status: number, answer: object, ok: boolean) => {
      api.calls.push({ path, ok });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    };
    const expected = `Basic ${Buffer.from(`${api.key}:${api.secret}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return reply(401, { status: 401, message: 'Authentication Failed' }, false);
    if (req.method !== 'POST') return reply(200, { status: 'failed' }, false);
    if (!/^application\/json(;\s*charset=utf-8)?$/i.test(req.headers['content-type'] ?? ''))
      return reply(200, { status: 'failed', message: 'no JSON body' }, false);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return reply(400, { status: 400, message: 'Invalid JSON syntax' }, false);
    }
    const { status, answer, ok } = handle(path, typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {});
    reply(status, answer, ok);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}
