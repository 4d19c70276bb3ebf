// `check --format junit`: the report validates against a JUnit schema (xmllint), has one
// test case per flow, a <failure> with cause and fix for each failing flow, an <error> for
// a flow this machine could not try, and survives hostile remote text. The same against a
// real site: test/check-formats-site.test.ts.
import { describe, expect, it } from 'vitest';
import { checkJunit } from '../src/cli/output/check-junit.js';
import { xmlText } from '../src/cli/output/xml.js';
import { checkOutput } from './helpers/check-output.js';
import { checkResult as result } from './helpers/check-result.js';
import { attributes, junitProblems, xpath } from './helpers/junit.js';
import { requireSystem } from './helpers/system.js';

const ok = requireSystem('JUnit report validation', ['xmllint']);
const STARTED = new Date('2026-03-04T05:06:07.890Z');

const OK_A = result({ host: 'a.example', agents: ['cca', 'backup'], timings: { dns: 3, connect: 20, tls: 40 } });
const DROPPED = result({
  host: 'c.example',
  status: 'timeout',
  detail: '203.0.113.3:443: no answer within 5000 ms',
  timings: { dns: 2, connect: 5000, tls: null },
});
const NO_FILES = result({
  host: 'e.example',
  status: 'local-error',
  localProblem: 'EMFILE',
  detail: 'out of open files (EMFILE)',
  timings: { dns: 1, connect: null, tls: null },
});

/** Remote text with everything XML and terminals choke on. */
const HOSTILE = 'Evil]]></failure><x a="1">&amp;\'\u0000\u0008\u000c\u001b[31m\u202e\ud800\ufffe\n';

describe.skipIf(!ok)('checkJunit', () => {
  it('one test case per flow; a failure with cause and fix for a failing flow, an error for one not tried', () => {
    const xml = checkJunit(checkOutput([OK_A, DROPPED, NO_FILES]), { seconds: 5.0123, started: STARTED, hostname: 'probe-01' });
    expect(junitProblems(xml)).toBeNull();
    expect(attributes(xml, '//testsuite', 'tests')).toEqual(['3']);
    expect(attributes(xml, '//testsuite', 'failures')).toEqual(['1']);
    expect(attributes(xml, '//testsuite', 'errors')).toEqual(['1']);
    expect(attributes(xml, '//testsuite', 'timestamp')).toEqual(['2026-03-04T05:06:07']);
    expect(attributes(xml, '//testsuite', 'hostname')).toEqual(['probe-01']);
    expect(attributes(xml, '//testsuite', 'time')).toEqual(['5.012']);
    expect(attributes(xml, '//testcase', 'name')).toEqual(['a.example:443', 'c.example:443', 'e.example:443']);
    expect(attributes(xml, '//testcase', 'classname')).toEqual(['emaint-egress.cca+backup', 'emaint-egress.cca', 'emaint-egress.cca']);
    expect(attributes(xml, '//testcase', 'time')).toEqual(['0.063', '5.002', '0.001']);
    expect(attributes(xml, '//testcase[failure]', 'name')).toEqual(['c.example:443']);
    expect(attributes(xml, '//testcase[error]', 'name')).toEqual(['e.example:443']);
    expect(attributes(xml, '//failure', 'type')).toEqual(['timeout']);
    expect(attributes(xml, '//failure', 'message')).toEqual(['tcp/443 is silently dropped (no answer within the timeout)']);
    expect(xpath(xml, 'string(//failure)')).toBe(
      'tcp/443 is silently dropped (no answer within the timeout)\nfix: allow tcp/443 to c.example on the firewall\ndetail: 203.0.113.3:443: no answer within 5000 ms',
    );
    expect(attributes(xml, '//error', 'type')).toEqual(['local-error']);
    expect(xpath(xml, 'string(//testcase[1]/system-out)')).toContain('timings: dns 3 ms, connect 20 ms, tls 40 ms');
    expect(xpath(xml, 'string(/testsuites/testsuite/system-out)')).toBe('2 of 3 flows fail (resolver 10.0.0.53:53, timeout 5000 ms per phase).');
    expect(xpath(xml, 'string(//property[@name="resolver"]/@value)')).toBe('10.0.0.53:53');
  });

  it('hostile remote text stays text: valid XML, one visible line, the same characters after parsing', () => {
    const hostile = result({
      host: 'f.example',
      status: 'tls-untrusted',
      issuer: HOSTILE,
      detail: `certificate issued by "${HOSTILE}", not trusted here`,
      timings: { dns: 1, connect: 1, tls: 1 },
    });
    const xml = checkJunit(checkOutput([hostile], { notes: [`routes from the PAC file ${HOSTILE}`] }), { seconds: 0.5, started: STARTED, hostname: HOSTILE });
    expect(junitProblems(xml)).toBeNull();
    expect(attributes(xml, '//testcase', 'name')).toEqual(['f.example:443']);
    const message = attributes(xml, '//failure', 'message')[0] ?? '';
    // What a CI server shows: the text with its controls as \uXXXX, markup as markup characters.
    expect(message).toBe(
      'certificates issued by "Evil]]></failure><x a="1">&amp;\'\\u0000\\u0008\\u000c\\u001b[31m\\u202e\\ud800\\ufffe\\u000a", which the system does not trust: TLS inspection',
    );
    expect(attributes(xml, '//testsuite', 'hostname')[0]).toContain('Evil]]></failure>');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u202e\ud800-\udfff\ufffe]/);
  });

  it('xmlText escapes the five specials and what XML 1.0 cannot hold, and keeps the rest', () => {
    expect(xmlText(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
    expect(xmlText('\ud800 \udfff \ud83d\ude00 \uffff \u0000')).toBe('\\ud800 \\udfff \ud83d\ude00 \\uffff \\u0000');
    expect(xmlText('café 日本')).toBe('café 日本');
  });
});
