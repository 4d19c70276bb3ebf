// Cisco ASA, in the ASA CLI that FTD's FlexConfig also speaks: an FQDN network object per
// host and address family, a network object-group per port set and family, a TCP port group
// per port set, and one `access-list ... extended permit tcp` per port set and family, so no
// host gets a port it does not need. An ASA FQDN object holds one exact name: wildcard mode
// uses the exact hosts, as pfSense does.
import ipaddr from 'ipaddr.js';
import { portGroups } from '../rules.js';
import type { Family, Source } from '../site.js';
import { quoteValue } from '../text.js';
import { RenderError, createEngine } from './engine.js';
import { identifier } from './escape.js';
import { noteLines } from './lines.js';
import { dnsName, portEscaper } from './netfilter.js';
import { asaAclName, asaNameif } from './options.js';
import { BASENAME, type Target, type TargetFile, headerLines } from './target.js';
import { describeFlows, forWhom, groupText, objectName } from './words.js';

/** What an ASA access-list remark holds. */
const REMARK_MAX = 100;
/** What an ASA object or object-group description holds. */
const DESCRIPTION_MAX = 200;
/** ASA object names: 64 characters; we use the letters, digits, . _ - of its set. */
const NAME_MAX = 64;
const NAME = '[A-Za-z0-9._-]{1,64}';

// Our own typography, folded so that the file stays within the characters we write.
const FOLD: Readonly<Record<string, string>> = { '—': '-', '–': '-', '…': '...', '‘': "'", '’': "'", '“': '"', '”': '"' };

/**
 * Text in a remark, a description or a `!` comment. The ASA CLI opens its help at a `?` even
 * in pasted text, which would cut the line; beyond that this target writes printable ASCII
 * only, since nothing in the ASA's documentation promises more in these fields.
 */
export function asaText(v: unknown, what = 'text'): string {
  if (typeof v !== 'string') throw new RenderError(`ASA ${what}: expected text`);
  const s = v.replace(/[—–…‘’“”]/g, (c) => FOLD[c] ?? c);
  const bad = /[^\x20-\x3e\x40-\x7e]/u.exec(s)?.[0];
  if (bad === '?') throw new RenderError(`ASA: ${what} ${quoteValue(v)} holds '?', which opens the ASA CLI's help when pasted`);
  if (bad !== undefined) {
    const code = `U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    throw new RenderError(`ASA: ${what} ${quoteValue(v)} holds ${code}; this target writes printable ASCII only`);
  }
  return s;
}

/** `text` as remark lines of at most REMARK_MAX characters each (an ACE may carry several). */
function remarkLines(text: string): string[] {
  return noteLines([asaText(text)], REMARK_MAX).flatMap((line) => line.match(new RegExp(`.{1,${REMARK_MAX}}`, 'g')) ?? []);
}

/** A description within DESCRIPTION_MAX characters, cut with "..." when longer. */
function description(text: string): string {
  const s = asaText(text);
  return s.length <= DESCRIPTION_MAX ? s : `${s.slice(0, DESCRIPTION_MAX - 3)}...`;
}

/** A source network as a `network-object` argument: `host A`, `A MASK` (IPv4) or `A/P` (IPv6). */
function networkObject(s: Source): string {
  if (s.prefix === (s.family === 4 ? 32 : 128)) return `host ${s.address}`;
  return s.family === 4 ? `${s.address} ${ipaddr.IPv4.subnetMaskFromPrefixLength(s.prefix).toString()}` : `${s.address}/${s.prefix}`;
}

/** A paragraph of the file's comments, from its sentences. */
const paragraph = (...sentences: string[]) => sentences.join(' ');

/** The file's comments: how to apply it, the DNS it needs, FTD, and binding the access list. */
function fileNotes(acl: string, nameif: string, wildcardAsked: boolean) {
  return {
    notes: noteLines([
      paragraph(
        'Paste in configuration mode (configure terminal).',
        'Objects come before the access list that uses them: the ASA refuses a reference to an object it does not know.',
      ),
      paragraph(
        `The entries go to the top of access list ${acl} (line 1 onward, remarks counted), so a deny further down cannot hide them.`,
        `Before applying a newer version of this file, remove the older one's entries ("show running-config access-list ${acl}",`,
        'then "no" before each of those lines).',
      ),
      ...(wildcardAsked ? ['Wildcard mode asked, but an ASA FQDN object holds one exact host name (no * wildcards): the exact hosts are used.'] : []),
    ]),
    dns: noteLines([
      paragraph(
        'The ASA resolves the FQDN objects itself (those an access list uses) and permits the addresses it got:',
        'they match only when it asks the resolver the devices use, since AWS names rotate their addresses.',
        "Each answer's TTL and the DefaultDNS poll timer (240 minutes by default) decide when it asks again.",
        'If the ASA does not resolve names yet (the interface is the one its resolver is reached through):',
      ),
    ]),
    ftd: noteLines([
      paragraph(
        'Cisco FTD: its access control policy does the access control this access list does on an ASA',
        '(FlexConfig is for features the management center does not configure). There, create the FQDN objects',
        '(Objects > Object Management > Network, DNS resolution IPv4 or IPv6 as named here) and one Allow rule per access-list entry below.',
      ),
    ]),
    bind: noteLines([
      paragraph(
        "Bind the access list to the interface the devices' traffic enters, inbound. An interface takes one access list per direction:",
        `if "show running-config access-group" already binds one to ${nameif}, name that access list as this file's access list instead,`,
        "and skip this line. Bound to an interface that had none, the access list ends the ASA's default of letting traffic",
        'from a higher security level through: everything it does not permit is then denied.',
      ),
    ]),
  };
}

const v = (f: Family) => `v${f}`;
const familyName = (f: Family) => `IPv${f}`;

const OPTIONS = [asaAclName(), asaNameif()];

const FILE: TargetFile = {
  name: `${BASENAME}.asa.conf`,
  apply: 'paste into the ASA CLI in configuration mode, then bind the access list as its last comment says',
};

export const asa: Target = {
  id: 'asa',
  title: 'Cisco ASA / FTD CLI: FQDN objects, object-groups, access-list entries',
  usesAddresses: false,
  takesWildcards: false,
  options: OPTIONS,
  files: [FILE],
  render(input, templates) {
    const { site } = input;
    // An ASA FQDN object holds one exact name, no "*": wildcard mode uses the exact hosts.
    const rules = input.exact;
    const wildcardAsked = input.rules.mode === 'wildcard';
    const engine = createEngine('asa', templates, {
      text: (value: unknown) => asaText(value),
      name: identifier(new RegExp(`^${NAME}$`), 'ASA object name'),
      family: identifier(/^v[46]$/, 'ASA fqdn family'),
      fqdn: (value: unknown) => {
        const name = dnsName(value);
        if (name.startsWith('*')) throw new RenderError(`ASA fqdn: ${quoteValue(name)}: an FQDN object takes no wildcard`);
        return name;
      },
      member: identifier(new RegExp(`^(host [0-9a-f.:]+|[0-9.]+ [0-9.]+|[0-9a-f:]+/\\d{1,3}|object ${NAME})$`), 'ASA network-object'),
      address: identifier(new RegExp(`^(any4|any6|object-group ${NAME})$`), 'ASA access-list address'),
      port: portEscaper,
      line: identifier(/^[1-9]\d{0,5}$/, 'ASA access-list line number'),
    });
    // The site name goes into remarks and descriptions: refused up front, by its own name.
    const label = site.label === null ? '' : ` (${asaText(site.label, 'site name')})`;
    // One FQDN object per family the sources need; no sources (any) means both families.
    const families = ([4, 6] as const).filter((f) => site.sources.length === 0 || site.sources.some((s) => s.family === f));
    const objectOf = (host: string, f: Family) => objectName(`emaint-${v(f)}-${host}`, NAME_MAX);

    const objects = rules.destinations.flatMap((d) =>
      families.map((f) => ({ name: objectOf(d.name, f), family: v(f), fqdn: d.name, description: description(`${d.name}: ${describeFlows(d)}`) })),
    );
    const sourceGroups = families
      .map((f) => ({ family: f, members: site.sources.filter((s) => s.family === f) }))
      .filter((g) => g.members.length > 0)
      .map((g) => ({
        name: `emaint-src-${v(g.family)}`,
        family: g.family,
        description: description(`eMaintenance devices and agent hosts, ${familyName(g.family)}${label}`),
        members: g.members.map(networkObject),
      }));

    const groups = portGroups(rules);
    const hostGroups = groups.flatMap((g) =>
      families.map((f) => ({
        name: `${prefixOf(g)}hosts-${v(f)}-tcp-${g.ports.join('-')}`,
        description: description(groupText(g, 'hosts', g.ports.map((p) => `tcp/${p}`).join(', '), label)),
        members: g.destinations.map((d) => `object ${objectOf(d.name, f)}`),
      })),
    );
    // `object-group service NAME tcp` with `port-object eq N`, not the newer `service-object
    // tcp destination eq N`: the entry names `tcp` itself, so the group can never widen it to
    // another protocol, and the form goes back to ASA 7.0 (FTD runs the same ASA CLI).
    const services = groups.map((g) => ({
      name: `${prefixOf(g)}tcp-${g.ports.join('-')}`,
      description: description(`${g.site ? 'Site-specific' : 'eMaintenance'} ports ${g.ports.map((p) => `tcp/${p}`).join(', ')}`),
      ports: g.ports,
    }));

    // The entries go to the top of the access list, in order (remarks count as lines), so a
    // deny further down an existing interface access list cannot hide them.
    let line = 0;
    const entries = groups.flatMap((g) =>
      families.map((f) => {
        const ports = g.ports.map((p) => `tcp/${p}`).join(', ');
        const hosts = `${g.destinations.length} host${g.destinations.length === 1 ? '' : 's'}`;
        const certs = g.destinations.some((d) => d.clientCertificate) ? '; client-certificate TLS: exempt from TLS inspection' : '';
        const remarks = remarkLines(
          `${g.site ? 'Site-specific' : 'eMaintenance'} egress${label}: ${ports} to ${hosts} ${forWhom(g)}; ${familyName(f)}${certs}`,
        ).map((text) => ({
          line: String(++line),
          text,
        }));
        const sourceGroup = sourceGroups.find((s) => s.family === f);
        return {
          remarks,
          line: String(++line),
          source: sourceGroup ? `object-group ${sourceGroup.name}` : `any${f}`,
          destination: `object-group ${prefixOf(g)}hosts-${v(f)}-tcp-${g.ports.join('-')}`,
          service: `${prefixOf(g)}tcp-${g.ports.join('-')}`,
        };
      }),
    );

    const acl = site.aclName;
    const { notes, dns, ftd, bind } = fileNotes(acl, site.nameif, wildcardAsked);

    const extra = wildcardAsked ? ['wildcard mode asked, but ASA FQDN objects take no * wildcards: exact host names used'] : [];
    const content = engine.render('config.hbs', {
      header: headerLines({ ...input, rules }, extra),
      notes,
      dns,
      nameif: site.nameif,
      ftd,
      objects,
      sourceGroups,
      hostGroups,
      services,
      acl,
      entries,
      bind,
    });
    return {
      files: [{ ...FILE, content }],
      warnings: wildcardAsked ? ['ASA FQDN objects take no * wildcards; the ASA rules use the exact host names'] : [],
    };
  },
};

/** The site's own endpoints get object-groups of their own, never mixed with Canon's. */
function prefixOf(g: { site: boolean }): string {
  return g.site ? 'emaint-site-' : 'emaint-';
}
