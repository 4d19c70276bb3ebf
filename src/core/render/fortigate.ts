// FortiGate: a FortiOS CLI script. FQDN addresses (wildcard-fqdn in wildcard mode), one
// address group and one custom service per port set, and one accept policy per port set,
// so no host gets a port it does not need. Names stay within FortiOS's 63 characters.
import ipaddr from 'ipaddr.js';
import { portGroups } from '../rules.js';
import { quoteValue } from '../text.js';
import { RenderError, createEngine } from './engine.js';
import { hashComment, identifier } from './escape.js';
import { chunks } from './lines.js';
import { type TargetOption, fortiInterface } from './options.js';
import { BASENAME, type Target, headerLines } from './target.js';
import { describeFlows, objectName } from './words.js';

const NAME = /^[A-Za-z0-9._*-]{1,79}$/;
/** Members per `set`/`append member` line. */
const MEMBERS_PER_LINE = 40;
/** FortiOS keeps 255 characters of a comment. */
const COMMENT_MAX = 255;

/** A FortiOS CLI string in double quotes. The CLI's escapes differ between versions, so a
 *  value with a quote, a backslash or a control character is refused, naming the platform. */
function quoted(v: unknown): string {
  if (typeof v !== 'string') throw new RenderError('FortiOS string: expected text');
  if (/["\\\u0000-\u001f\u007f]/.test(v))
    throw new RenderError(`FortiOS: ${quoteValue(v)} holds a quote, backslash or control character, which this target does not write`);
  return `"${[...v].slice(0, COMMENT_MAX).join('')}"`;
}

function members(v: unknown): string {
  if (!Array.isArray(v) || v.length === 0 || !v.every((m) => typeof m === 'string' && NAME.test(m))) throw new RenderError('FortiOS member list: not valid');
  return v.map((m) => `"${m}"`).join(' ');
}

const OPTIONS: readonly TargetOption[] = [
  fortiInterface('srcintf', 'Source interface', 'the interface the devices reach the FortiGate on'),
  fortiInterface('dstintf', 'Destination interface', 'the interface toward the internet'),
];

export const fortigate: Target = {
  id: 'fortigate',
  title: 'FortiGate (FortiOS) CLI script: addresses, groups, services, policies',
  usesAddresses: false,
  takesWildcards: true,
  options: OPTIONS,
  render(input, templates) {
    const { rules, site } = input;
    const v6 = site.sources.filter((s) => s.family === 6);
    if (v6.length > 0) {
      throw new RenderError(
        `fortigate: IPv6 sources (${v6.map((s) => s.cidr).join(', ')}) need address6 objects, which this target does not write yet; give IPv4 sources`,
      );
    }
    const engine = createEngine('fortigate', templates, {
      comment: hashComment,
      quoted,
      members,
      word: identifier(/^(set|append|[0-9.]+ [0-9.]+|\d{1,5}( \d{1,5})*)$/, 'FortiOS word'),
    });
    const label = site.label === null ? '' : ` (${site.label})`;
    const sources = site.sources.map((s, i) => ({
      name: `emaint-src-${i + 1}`,
      subnet: `${s.address} ${ipaddr.IPv4.subnetMaskFromPrefixLength(s.prefix).toString()}`,
      comment: `eMaintenance devices and agent hosts${label}`,
    }));
    const byName = (d: { kind: string; name: string }) => objectName(`emaint-${d.kind === 'wildcard' ? d.name.replace(/^\*\./, 'any.') : d.name}`);
    const groups = portGroups(rules).map((g) => {
      const suffix = g.ports.join('-');
      return {
        name: `emaint-hosts-tcp-${suffix}`,
        service: `emaint-tcp-${suffix}`,
        ports: g.ports.join(' '),
        chunks: chunks(g.destinations.map(byName), MEMBERS_PER_LINE).map((names, i) => ({ verb: i === 0 ? 'set' : 'append', names })),
        comment: `eMaintenance hosts on ${g.ports.map((p) => `tcp/${p}`).join(', ')} for ${g.agents.join(', ')}${label}`,
        flows: `${g.ports.map((p) => `tcp/${p}`).join(', ')} for ${g.agents.join(', ')}`,
        policy: `emaint-tcp-${suffix}`,
        clientCertificate: g.destinations.some((d) => d.clientCertificate),
      };
    });
    const addresses = rules.destinations.map((d) => ({
      name: byName(d),
      wildcard: d.kind === 'wildcard',
      pattern: d.name,
      comment: `${d.name}: ${describeFlows(d)}`,
    }));
    // The client-certificate hosts get an address of their own even where a wildcard covers
    // them: the SSL inspection exemption below names it.
    const exemptHosts = input.exact.destinations.filter((d) => d.clientCertificate);
    for (const d of exemptHosts) {
      if (!addresses.some((a) => a.name === byName(d))) {
        addresses.push({ name: byName(d), wildcard: false, pattern: d.name, comment: `${d.name}: for the SSL inspection exemption (client-certificate TLS)` });
      }
    }
    const content = engine.render('script.hbs', {
      header: headerLines(input),
      notes: [],
      sources,
      sourceGroup: sources.length > 0 ? 'emaint-sources' : null,
      sourceChunks: chunks(
        sources.map((s) => s.name),
        MEMBERS_PER_LINE,
      ).map((names, i) => ({ verb: i === 0 ? 'set' : 'append', names })),
      sourceComment: `eMaintenance devices and agent hosts${label}`,
      addresses,
      groups,
      services: groups.map((g) => ({ name: g.service, ports: g.ports, comment: `eMaintenance ports tcp/${g.ports.replace(/ /g, ', tcp/')}` })),
      policies: groups.map((g) => ({
        name: g.policy,
        group: g.name,
        service: g.service,
        comment: `eMaintenance egress${label}: ${g.flows}${g.clientCertificate ? '; client-certificate TLS: exempt from deep inspection' : ''}`,
      })),
      srcintf: site.srcintf,
      dstintf: site.dstintf,
      srcaddr: sources.length > 0 ? 'emaint-sources' : 'all',
      exempt: [...new Set(exemptHosts.map(byName))],
    });
    return {
      files: [{ name: `${BASENAME}.fortigate.conf`, content, apply: 'paste into the FortiGate CLI, then move the new policies above any deny policy' }],
      warnings: [],
    };
  },
};
