// A proxy password never printed, whatever path an argument takes into a message; exit
// codes that mean one thing; and the one definition of the characters no free-text field
// holds. Against the built CLI where the user meets it.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkJson } from '../src/cli/output/check-text.js';
import { run } from '../src/cli/program.js';
import { parseProxyUrl } from '../src/core/proxy-url.js';
import { parseLabel } from '../src/core/site.js';
import { escapeUnsafe, redactSecrets } from '../src/core/text.js';
import { textField, textReducer } from '../src/ui/state/text-field.js';
import { checkOutput } from './helpers/check-output.js';
import { checkResult } from './helpers/check-result.js';
import { BIN, bin } from './helpers/cli.js';
import { requireSystem } from './helpers/system.js';
import { tempDirs } from './helpers/tmp.js';

const SECRET = 'hunter2';
const tmp = tempDirs('ee-secrets-');

/** One line on stderr, exit 2, nothing on stdout, and never the secret. */
function refusedQuietly(r: { code: number; stdout: string; stderr: string }): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toContain(SECRET);
  expect(r.stderr).not.toContain(Buffer.from(`bob:${SECRET}`).toString('base64'));
}

describe('a proxy password is never printed', () => {
  it.each([
    ['an encoded colon in the URL (%3A)', ['check', '--agents', 'rdms', '--proxy', `http://bob%3A${SECRET}@proxy.example:80x`]],
    ['an encoded colon in a URL that parses', ['check', '--agents', 'rdms', '--proxy', `https://bob%3A${SECRET}@proxy.example:8080`]],
    ['a misspelled flag that carries the URL', ['check', '--agents', 'rdms', `--proxyy=http://bob:${SECRET}@proxy.example:8080`]],
    ['the URL as a stray argument', ['check', '--agents', 'rdms', '--timeout', '--proxy', `http://bob:${SECRET}@proxy.example:8080`]],
    ['a URL where render wants host:port', ['render', '--agents', 'rdms', '--target', 'pac', '--proxy', `http://bob:${SECRET}@proxy.example:8080`]],
    ['user:password@ without a scheme', ['check', '--agents', 'rdms', '--proxy', `bob:${SECRET}@proxy.example:80x`]],
    ['a password with a space and a slash', ['check', '--agents', 'rdms', '--proxy', `http://bob:${SECRET} x/y@proxy.example:80x`]],
    ['an unknown agent after the URL', ['check', '--agents', 'nope', '--proxy', `http://bob:${SECRET}@proxy.example:8080`]],
  ])('%s', (_, argv) => {
    const r = bin(...argv);
    refusedQuietly(r);
    expect(r.stderr).toMatch(/bob:\*\*\*\*@|--agents|without credentials/);
  });

  it('a proxy given as user:password@host:port (taken as http://) is noted and warned about without the password', () => {
    const r = bin('check', '--agents', 'rdms', '--proxy', `bob:${SECRET}@127.0.0.1:1`, '--dns-server', '127.0.0.1:1', '--timeout', '300');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('note: --proxy bob:****@127.0.0.1:1 read as http://bob:****@127.0.0.1:1');
    expect(r.stderr).toContain('visible to every user of this machine (ps)');
    expect(`${r.stdout}${r.stderr}`).not.toContain(SECRET);
  });

  it('in a profile: a proxy with a password, plain or %3A-encoded, is refused without echoing it', () => {
    const dir = tmp();
    for (const proxy of [`http://bob:${SECRET}@proxy.example:8080`, `http://bob%3A${SECRET}@proxy.example:8080`]) {
      const file = join(dir, 'site.json');
      writeFileSync(file, JSON.stringify({ format: 'emaint-egress-profile', version: 1, agents: ['rdms'], proxy }));
      refusedQuietly(bin('plan', '--profile', file));
    }
  });

  it('the app shows the same masked text (the parsers quote through one redaction)', () => {
    expect(() => parseProxyUrl(`http://bob%3A${SECRET}@proxy.example:80x`)).toThrow(/'http:\/\/bob:\*\*\*\*@proxy\.example:80x'/);
    try {
      parseProxyUrl(`http://bob%3A${SECRET}@proxy.example:80x`);
    } catch (err) {
      expect(String(err)).not.toContain(SECRET);
    }
  });

  it('redaction keeps the user, hides the rest up to the last @, and leaves other text alone', () => {
    expect(redactSecrets(`see http://bob:p@ss/${SECRET}@h:1 now`)).toBe('see http://bob:****@h:1 now');
    expect(redactSecrets('http://bob@proxy:8080, 10.0.0.1:53, [2001:db8::1]:3128, ops@example.com')).toBe(
      'http://bob@proxy:8080, 10.0.0.1:53, [2001:db8::1]:3128, ops@example.com',
    );
  });

  it('a password given on the command line is named as visible in ps, once, without the password', () => {
    // 127.0.0.1:1 refuses at once: no traffic beyond loopback.
    const r = bin('check', '--agents', 'rdms', '--proxy', `http://bob:${SECRET}@127.0.0.1:1`, '--dns-server', '127.0.0.1:1', '--timeout', '300', '--json');
    expect(r.code).toBe(1);
    expect(r.stderr.match(/visible to every user of this machine \(ps\)/g)).toHaveLength(1);
    expect(`${r.stdout}${r.stderr}`).not.toContain(SECRET);
    const fromEnv = spawnSync(
      process.execPath,
      [BIN, 'check', '--agents', 'rdms', '--proxy', 'http://bob@127.0.0.1:1', '--dns-server', '127.0.0.1:1', '--timeout', '300', '--json'],
      {
        encoding: 'utf8',
        env: { ...process.env, EMAINT_PROXY_PASSWORD: SECRET },
      },
    );
    expect(fromEnv.stderr).toBe('');
  });
});

describe('exit codes mean one thing', () => {
  it('an unexpected exception is one line and 70, not 1', async () => {
    let stderr = '';
    const code = await run(['agents'], {
      stdout: () => {
        throw new TypeError('boom');
      },
      stderr: (s) => (stderr += s),
    });
    expect(code).toBe(70);
    expect(stderr).toBe('emaint-egress: internal error: boom\n');
  });

  const prlimit = requireSystem('exit-code test at a low file limit', ['prlimit']);
  it.skipIf(!prlimit)('a tool that cannot even load its modules (out of file descriptors) says so in one line, exit 70', () => {
    const r = spawnSync('prlimit', ['--nofile=20:20', process.execPath, BIN, 'plan', '--agents', 'all'], { encoding: 'utf8' });
    expect(r.status).toBe(70);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^emaint-egress: cannot start: EMFILE: too many open files.*\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help lists the codes', () => {
    const r = bin('--help');
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      'Exit codes: 0 done (check: every flow ok); 1 check: a flow fails; 2 bad input; 70 internal error or broken installation; 130 cancelled',
    );
  });
});

describe('format characters are control characters everywhere', () => {
  const FORMAT = ['\u200b', '\u200f', '\ufeff', '\u061c', '\u00ad', '\u2066', '\u202e', '\u{e0001}'];

  it.each(FORMAT.map((c) => [`U+${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`, c]))(
    '%s: refused in a site name, dropped by an app field, escaped in messages',
    (_, c) => {
      expect(() => parseLabel(`ACME${c}HQ`)).toThrow(/contains control characters/);
      expect(textReducer(textField(), { type: 'insert', text: `ACME${c}HQ` }).value).toBe('ACMEHQ');
      expect(escapeUnsafe(`a${c}b`)).not.toContain(c);
      const r = bin('render', '--agents', 'rdms', '--target', 'pac', '--proxy', 'p.example:3128', '--site', `ACME${c}HQ`);
      refusedQuietly(r);
      expect(r.stderr).not.toContain(c);
    },
  );

  it('--json escapes bidi and zero-width characters in remote text as the text output does', () => {
    const hostile = 'Corp\u202eAC\u200bCA\u2028x\u0085';
    const result = checkResult({ host: 'a.example', status: 'tls-untrusted', detail: `issued by ${hostile}`, issuer: hostile });
    const out = checkOutput([result], { catalogueVersion: '1', resolver: 'platform', timeoutMs: 1 });
    const json = checkJson(out);
    for (const c of ['\u202e', '\u200b', '\u2028', '\u0085']) expect(json).not.toContain(c);
    expect(json).toContain('Corp\\u202eAC\\u200bCA\\u2028x\\u0085');
    expect((JSON.parse(json) as { results: { issuer: string }[] }).results[0]?.issuer).toBe(hostile);
  });
});
