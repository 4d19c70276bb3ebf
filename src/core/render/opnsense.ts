// OPNsense: the aliases as Firewall > Aliases > Import takes them (JSON), the pass rules as
// bodies for the filter rules API (api/firewall/filter/add_rule), and a script that posts
// both and applies them. Hosts are grouped by the exact set of ports they need, so every
// (host alias x port alias) rule opens only planned flows. Names, contents and
// descriptions keep to OPNsense's own models (opnsense/core, models/OPNsense/Firewall:
// Alias.xml with AliasNameField and AliasContentField, Filter.xml, DescriptionField).
import { portGroups } from '../rules.js';
import { parseName } from '../site.js';
import { quoteValue } from '../text.js';
import { RenderError, createEngine } from './engine.js';
import { hashComment, jsString } from './escape.js';
import type { TargetOption } from './options.js';
import { BASENAME, type Target, type TargetFile, headerLines } from './target.js';
import { noteLines } from './lines.js';
import { describeFlows, forWhom, groupText, pfAliasName } from './words.js';

/** AliasNameField: a letter or one underscore first, letters, digits and _ after, 31 at most. */
const ALIAS_NAME = /^([a-zA-Z]|(([_a-zA-Z][a-zA-Z0-9]|[a-zA-Z][_a-zA-Z0-9])[_a-zA-Z0-9]{0,29}))$/;
/** DescriptionField: 1 to 255 bytes (its pattern has no /u), on one line. */
const DESCRIPTION_MAX = 255;
/** The longest alias content as its JSON string: with its key and indentation, every line of
 *  the file stays within 1024 bytes; a longer list goes into parts nested in one alias. */
const CONTENT_MAX = 900;

const SCRIPT = `${BASENAME}.opnsense-apply.sh`;
const FILES = {
  aliases: {
    name: `${BASENAME}.opnsense-aliases.json`,
    apply: `Firewall > Aliases > Import (upload button below the list), then Apply; or run ${SCRIPT}`,
  },
  rules: {
    name: `${BASENAME}.opnsense-rules.json`,
    apply: `after the aliases: post each "rule" to api/firewall/filter/add_rule, then api/firewall/filter/apply; ${SCRIPT} does both`,
  },
  script: { name: SCRIPT, apply: `OPNSENSE_URL=https://<firewall> sh ${SCRIPT} <the API key file OPNsense downloaded>` },
} as const satisfies Record<string, TargetFile>;

const opnsenseInterface: TargetOption<'interface'> = {
  name: 'interface',
  field: 'interface',
  label: 'OPNsense interface',
  arg: 'name',
  help: "OPNsense's identifier of the pass rules' interface: lan, wan or optN (Interfaces > Overview; not its description)",
  fallback: 'lan',
  // The rule model's interface field takes the identifiers of config.xml's <interfaces>.
  parse: (text, label) =>
    parseName(text, label, /^(lan|wan|opt[1-9][0-9]{0,3})$/, "OPNsense's interface identifier: lan, wan or optN (Interfaces > Overview; not the description)"),
  show: (v) => v,
};

/** Cuts `text` to at most `bytes` UTF-8 bytes on a character boundary, ending in an ellipsis. */
function clipBytes(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) + Buffer.byteLength('…') > bytes) break;
    out += ch;
  }
  return `${out}…`;
}

/**
 * A description as the model keeps it, as a JSON string. OPNsense writes a rule's description
 * into pf.conf as a `# ...` comment, and pfctl joins a line ending in a backslash to the next,
 * so a backslash there would comment out the rule after it: refused, naming the platform.
 */
function description(v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new RenderError('OPNsense description: expected text');
  if (v.includes('\\'))
    throw new RenderError(`opnsense: the description ${quoteValue(v)} contains a backslash, which would join the next rule to it in OPNsense's pf.conf`);
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new RenderError(`opnsense: the description ${quoteValue(v)} contains a control character`);
  if (Buffer.byteLength(v) > DESCRIPTION_MAX) throw new RenderError(`opnsense: the description ${quoteValue(v)} is longer than ${DESCRIPTION_MAX} bytes`);
  return jsString(v);
}

function aliasName(v: unknown): string {
  if (typeof v !== 'string' || !ALIAS_NAME.test(v)) throw new RenderError(`opnsense: ${quoteValue(String(v))} is not a valid alias name`);
  return jsString(v);
}

interface AliasView {
  name: string;
  type: 'host' | 'network' | 'port';
  content: string;
  description: string;
}

/** `entries` in lists whose content (one entry a line, as a JSON string) fits CONTENT_MAX. */
function parts(entries: readonly string[]): string[][] {
  const out: string[][] = [];
  let part: string[] = [];
  for (const e of entries) {
    if (part.length > 0 && Buffer.byteLength(jsString([...part, e].join('\n'))) > CONTENT_MAX) {
      out.push(part);
      part = [];
    }
    part.push(e);
  }
  if (part.length > 0) out.push(part);
  return out;
}

/** One alias, or, for a list too long for one line, its parts and the alias that nests them. */
function aliasesOf(name: string, type: AliasView['type'], entries: readonly string[], descr: string): AliasView[] {
  const split = parts(entries);
  if (split.length === 1) return [{ name, type, content: entries.join('\n'), description: clipBytes(descr, DESCRIPTION_MAX) }];
  const names = split.map((_, i) => `${name}_part${i + 1}`);
  return [
    ...split.map((p, i) => ({
      name: names[i] ?? name,
      type,
      content: p.join('\n'),
      description: clipBytes(`${descr}, part ${i + 1} of ${split.length}`, DESCRIPTION_MAX),
    })),
    { name, type, content: names.join('\n'), description: clipBytes(descr, DESCRIPTION_MAX) },
  ];
}

/** How the aliases file is imported, and what host aliases need. */
function aliasNotes(): string[] {
  return [
    `Import: Firewall > Aliases, the upload button below the list, this file; then Apply. Or ${SCRIPT} posts it to ` +
      'api/firewall/alias/import. The import adds these aliases, or updates those of the same name, and keeps none of them ' +
      'when one fails validation; it reads only "aliases", not this section.',
    'Host aliases hold names: OPNsense resolves them itself, every 300 s by default (Firewall > Settings > Advanced > ' +
      'Aliases Resolve Interval). They match only when the firewall and the devices get the same answers, and the ' +
      "cloud's names (AWS) rotate their addresses: keep the interval short.",
  ];
}

/** Which OPNsense takes the rules, in which order they come, and how they are applied. */
function ruleNotes(iface: string): string[] {
  return [
    "For OPNsense 25.1 or later (the rules' ipprotocol inet46 came in 25.1): the filter rules API, " +
      'api/firewall/filter/add_rule, shown as Firewall > Automation > Filter up to 25.7, Firewall > Rules [new] in 26.1 ' +
      'and Firewall > Rules from 26.7.',
    'Import the aliases first: the rules name them. Each "rule" below is the body of one add_rule call ({"rule": ...}); ' +
      `api/firewall/filter/apply then loads them. ${SCRIPT} does all of it.`,
    `Quick pass rules, logged, on interface ${iface}, direction in. OPNsense puts the API's rules of an interface ` +
      'before that interface\'s rules of the classic rules page, in the order of their "sequence"; floating rules come ' +
      'first. Change a "sequence" to place a rule among the site\'s own API rules.',
    'Posting the rules again adds them again: delete the old ones first (search for eMaintenance).',
  ];
}

const ports = (list: readonly number[]) => list.map((p) => `tcp/${p}`).join(', ');

export const opnsense: Target = {
  id: 'opnsense',
  title: 'OPNsense alias import (JSON), filter rules for its API (JSON) and a script posting both',
  usesAddresses: false,
  takesWildcards: false,
  options: [opnsenseInterface],
  files: [FILES.aliases, FILES.rules, FILES.script],
  render(input, templates) {
    const { site } = input;
    // The host alias check takes host names, addresses and ranges: no "*" (Util::isDomain).
    const rules = input.exact;
    const wildcard = input.rules.mode === 'wildcard';
    const engine = createEngine('opnsense', templates, { json: jsString, descr: description, alias: aliasName, comment: hashComment });
    const label = site.label === null ? '' : ` (${site.label})`;
    const aliases: AliasView[] = [];
    let source = 'any';
    if (site.sources.length > 0) {
      source = 'EMAINT_SRC';
      aliases.push(
        ...aliasesOf(
          source,
          'network',
          site.sources.map((s) => s.cidr),
          `eMaintenance devices and agent hosts${label}`,
        ),
      );
    }
    const ruleViews = portGroups(rules).map((g, i) => {
      // The site's own endpoints get aliases of their own (EMAINT_SH_, EMAINT_SP_), never mixed
      // with Canon's; a name past the model's 31 characters ends in a hash of the ports.
      const suffix = g.ports.join('_');
      const hosts = pfAliasName(g.site ? 'EMAINT_SH_' : 'EMAINT_H_', suffix);
      const portAlias = pfAliasName(g.site ? 'EMAINT_SP_' : 'EMAINT_P_', suffix);
      const certs = g.destinations.some((d) => d.clientCertificate) ? '; client-certificate TLS: exempt from TLS inspection' : '';
      aliases.push(
        ...aliasesOf(
          hosts,
          'host',
          g.destinations.map((d) => d.name),
          groupText(g, 'hosts', ports(g.ports), label),
        ),
        ...aliasesOf(portAlias, 'port', g.ports.map(String), `${g.site ? 'Site-specific' : 'eMaintenance'} ports ${ports(g.ports)}${label}`),
      );
      const count = `${g.destinations.length} host${g.destinations.length === 1 ? '' : 's'}`;
      return {
        // Ten apart, so that a rule of the site's can go between two of them.
        sequence: String((i + 1) * 10),
        hosts,
        ports: portAlias,
        why: `${ports(g.ports)} to ${count} ${forWhom(g)}${certs}`,
        hostList: g.destinations.map((d) => `${d.name}: ${describeFlows(d)}`),
        description: clipBytes(
          `${g.site ? 'Site-specific' : 'eMaintenance'} egress${label}: ${ports(g.ports)} to ${count} ${forWhom(g)}${certs}`,
          DESCRIPTION_MAX,
        ),
      };
    });
    const families = new Set(site.sources.map((s) => s.family));
    const ipprotocol = families.size === 1 ? (families.has(4) ? 'inet' : 'inet6') : 'inet46';
    const extra = wildcard ? ['wildcard mode asked, but OPNsense host aliases take no * wildcards: exact host names used'] : [];
    const header = headerLines({ ...input, rules }, extra);
    const warnings = wildcard ? ['OPNsense host aliases do not accept * wildcards; the OPNsense aliases use the exact host names'] : [];
    return {
      files: [
        {
          ...FILES.aliases,
          content: engine.render('aliases.json.hbs', {
            about: [...header, '', ...noteLines(aliasNotes())],
            hosts: rules.destinations.map((d) => ({ name: d.name, why: describeFlows(d) })),
            aliases,
          }),
        },
        {
          ...FILES.rules,
          content: engine.render('rules.json.hbs', {
            about: [...header, '', ...noteLines(ruleNotes(site.interface))],
            interface: site.interface,
            ipprotocol,
            source,
            rules: ruleViews,
          }),
        },
        {
          ...FILES.script,
          content: engine.render('apply.sh.hbs', { header }),
        },
      ],
      warnings,
    };
  },
};
