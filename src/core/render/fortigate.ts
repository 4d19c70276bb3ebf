// FortiGate: a FortiOS CLI script. FQDN addresses (wildcard-fqdn in wildcard mode), one
// address group and one custom service per port set, and one accept policy per port set,
// so no host gets a port it does not need. Names stay within FortiOS's 63 characters.
// IPv6 sources get address6/addrgrp6 objects and IPv6 policies of their own.
import ipaddr from 'ipaddr.js';
import { portGroups } from '../rules.js';
import { quoteValue } from '../text.js';
import { RenderError, createEngine } from './engine.js';
import { hashComment, identifier } from './escape.js';
import { chunks } from './lines.js';
import { type TargetOption, fortiInterface } from './options.js';
import type { Source } from '../site.js';
import { BASENAME, type RenderInput, type Target, type TargetFile, headerLines } from './target.js';
import { describeFlows, groupText, objectName } from './words.js';

const NAME = /^[A-Za-z0-9._*-]{1,79}$/;
/** Members per `set`/`append member` line. */
const MEMBERS_PER_LINE = 40;
/** FortiOS takes 35 characters in a policy's name (79 in an address, group or service). */
const POLICY_NAME_MAX = 35;
/** FortiOS keeps 255 characters of a comment. */
const COMMENT_MAX = 255;
const CERT_NOTE = '; client-certificate TLS: exempt from deep inspection';

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

type Destination = RenderInput['rules']['destinations'][number];

/** One family's objects and policies: IPv4 (fqdn and, in wildcard mode, wildcard-fqdn
 *  addresses) or IPv6 (address6 takes only fqdn, so always the exact hosts). */
function family(input: RenderInput, v6: boolean, sources: readonly Source[], label: string) {
  const prefix = v6 ? 'emaint6' : 'emaint';
  const rules = v6 ? input.exact : input.rules;
  // FortiOS wants a name unique across address, address6 and their groups: the IPv6 objects
  // get their own prefix.
  const byName = (d: { kind: string; name: string }) => objectName(`${prefix}-${d.kind === 'wildcard' ? d.name.replace(/^\*\./, 'any.') : d.name}`);
  const srcObjects = sources.map((s, i) => ({
    name: `${prefix}-src-${i + 1}`,
    subnet: v6 ? s.cidr : `${s.address} ${ipaddr.IPv4.subnetMaskFromPrefixLength(s.prefix).toString()}`,
    comment: `eMaintenance devices and agent hosts${label}`,
  }));
  // The site's own endpoints get groups and policies of their own, named as such.
  const groups = portGroups(rules).map((g) => {
    const suffix = g.ports.join('-');
    const site = g.site ? 'site-' : '';
    const portText = g.ports.map((p) => `tcp/${p}`).join(', ');
    const flows = g.site ? `${portText} (not in the Canon catalogue)` : `${portText} for ${g.agents.join(', ')}`;
    const clientCertificate = g.destinations.some((d) => d.clientCertificate);
    return {
      name: objectName(`${prefix}-${site}hosts-tcp-${suffix}`),
      service: objectName(`emaint-tcp-${suffix}`),
      ports: g.ports.join(' '),
      chunks: memberChunks(g.destinations.map(byName)),
      comment: groupText(g, 'hosts', portText, label),
      // A site endpoint's ports can make it longer than a policy name takes: cut, with a hash.
      policy: objectName(`${prefix}-${site}tcp-${suffix}`, POLICY_NAME_MAX),
      policyComment: `${g.site ? 'Site-specific' : 'eMaintenance'} egress${v6 ? ' (IPv6)' : ''}${label}: ${flows}${clientCertificate ? CERT_NOTE : ''}`,
    };
  });
  const addresses = rules.destinations.map((d: Destination) => ({
    name: byName(d),
    wildcard: d.kind === 'wildcard',
    pattern: d.name,
    comment: `${d.name}: ${describeFlows(d)}`,
  }));
  // The client-certificate hosts get an address of their own even where a wildcard covers
  // them: the SSL inspection exemption below names it.
  const exempt = input.exact.destinations.filter((d) => d.clientCertificate);
  for (const d of exempt) {
    if (!addresses.some((a) => a.name === byName(d))) {
      addresses.push({ name: byName(d), wildcard: false, pattern: d.name, comment: `${d.name}: for the SSL inspection exemption (client-certificate TLS)` });
    }
  }
  const sourceGroup = srcObjects.length > 0 ? `${prefix}-sources` : null;
  return {
    sources: srcObjects,
    sourceGroup,
    sourceChunks: memberChunks(srcObjects.map((s) => s.name)),
    sourceComment: `eMaintenance devices and agent hosts${label}`,
    addresses,
    groups,
    policies: groups.map((g) => ({ name: g.policy, group: g.name, service: g.service, comment: g.policyComment, srcaddr: sourceGroup ?? 'all' })),
    exempt: [...new Set(exempt.map(byName))],
  };
}

function memberChunks(names: readonly string[]) {
  return chunks(names, MEMBERS_PER_LINE).map((part, i) => ({ verb: i === 0 ? 'set' : 'append', names: part }));
}

const FILE: TargetFile = {
  name: `${BASENAME}.fortigate.conf`,
  apply: 'paste into the FortiGate CLI, then move the new policies above any deny policy',
};

export const fortigate: Target = {
  id: 'fortigate',
  title: 'FortiGate (FortiOS) CLI script: addresses, groups, services, policies',
  usesAddresses: false,
  takesWildcards: true,
  options: OPTIONS,
  files: [FILE],
  render(input, templates) {
    const { site } = input;
    const engine = createEngine('fortigate', templates, {
      comment: hashComment,
      quoted,
      members,
      word: identifier(/^(set|append|[0-9.]+ [0-9.]+|[0-9a-f:]+\/\d{1,3}|\d{1,5}( \d{1,5})*)$/, 'FortiOS word'),
    });
    const label = site.label === null ? '' : ` (${site.label})`;
    const v4Sources = site.sources.filter((s) => s.family === 4);
    const v6Sources = site.sources.filter((s) => s.family === 6);
    // No sources: any device, IPv4 only (srcaddr all), as before. IPv6 policies need the
    // devices' IPv6 networks; with only IPv6 sources there are no IPv4 policies.
    const v4 = v4Sources.length > 0 || v6Sources.length === 0 ? family(input, false, v4Sources, label) : null;
    const v6 = v6Sources.length > 0 ? family(input, true, v6Sources, label) : null;
    const services = new Map<string, { name: string; ports: string; comment: string }>();
    for (const g of [...(v4?.groups ?? []), ...(v6?.groups ?? [])]) {
      services.set(g.service, { name: g.service, ports: g.ports, comment: `eMaintenance ports tcp/${g.ports.replace(/ /g, ', tcp/')}` });
    }
    const notes: string[] = [];
    if (v6 !== null) {
      notes.push('IPv6: address6 and addrgrp6 objects and IPv6 policies (srcaddr6/dstaddr6), for FortiOS 6.4 and later');
      notes.push('(one policy table for both families; turn on IPv6 in System > Feature Visibility to see them).');
      if (input.rules.mode === 'wildcard') notes.push('address6 takes no wildcard-fqdn: the IPv6 policies allow the exact hosts.');
    }
    const content = engine.render('script.hbs', {
      header: headerLines(input),
      notes,
      families: [...(v4 ? [{ ...v4, v6: false }] : []), ...(v6 ? [{ ...v6, v6: true }] : [])],
      services: [...services.values()],
      policies: [...(v4?.policies ?? []).map((p) => ({ ...p, v6: false })), ...(v6?.policies ?? []).map((p) => ({ ...p, v6: true }))],
      srcintf: site.srcintf,
      dstintf: site.dstintf,
      exempt: [...(v4?.exempt ?? []).map((name) => ({ name, v6: false })), ...(v6?.exempt ?? []).map((name) => ({ name, v6: true }))],
    });
    return {
      files: [{ ...FILE, content }],
      warnings: [],
    };
  },
};
