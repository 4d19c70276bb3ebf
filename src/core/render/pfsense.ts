// pfSense: a config.xml fragment with host aliases (FQDNs, resolved by filterdns),
// port aliases and pass rules on one interface. Hosts are grouped by the exact set of
// ports they need, so every (alias x port alias) rule opens only planned flows.
import { portGroups } from '../rules.js';
import { quoteValue } from '../text.js';
import { RenderError, createEngine } from './engine.js';
import { identifier, xmlComment, xmlText } from './escape.js';
import { BASENAME, type Target, type TargetFile, headerLines } from './target.js';
import { describeFlows, forWhom, groupText, pfAliasName } from './words.js';
import { interfaceOption, pfsenseImportOption } from './options.js';

/** What pf keeps of a rule's description, as its label. */
const LABEL_MAX = 63;

/** `text` in at most `max` characters, cut with an ellipsis. */
function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** pfSense alias names: letters, digits and _, at most 31 characters. */
const PFSENSE_ALIAS = /^[A-Za-z0-9_]{1,31}$/;

const FILES = {
  xml: {
    name: `${BASENAME}.xml`,
    apply:
      'merge the <alias> and <rule> elements into a downloaded config.xml, ' + 'then restore its Aliases and Firewall Rules areas (see the comment at its top)',
  },
  /** With --import rest-api, instead of the XML. */
  api: {
    name: `${BASENAME}.pfsense-api.json`,
    apply:
      'with the REST API package: POST each of .aliases to /api/v2/firewall/alias, ' +
      'each of .rules to /api/v2/firewall/rule, then POST /api/v2/firewall/apply',
  },
} as const satisfies Record<string, TargetFile>;

export const pfsense: Target = {
  id: 'pfsense',
  title: 'pfSense config.xml fragment (aliases + pass rules)',
  usesAddresses: false,
  takesWildcards: false,
  options: [interfaceOption, pfsenseImportOption],
  files: [FILES.xml, FILES.api],
  render(input, templates) {
    const { site } = input;
    // pfSense aliases reject "*": wildcard mode falls back to the exact hosts.
    const rules = input.exact;
    const warnings = input.rules.mode === 'wildcard' ? ['pfSense aliases do not accept * wildcards; the pfSense rules use the exact host names'] : [];
    const engine = createEngine('pfsense', templates, {
      xml: xmlText,
      // pfSense's GUI refuses a backslash in a description; a rule's reaches pf's label,
      // which keeps 63 characters: a longer one is refused here rather than cut there.
      descr: (v: unknown) => {
        const s = xmlText(v);
        if (s.includes('\\')) throw new RenderError(`pfSense description: ${quoteValue(String(v))} contains a backslash, which pfSense refuses`);
        return s;
      },
      comment: xmlComment,
      alias: identifier(PFSENSE_ALIAS, 'pfSense alias name'),
      number: identifier(/^\d{1,12}$/, 'number'),
      json: apiJson,
    });
    const label = site.label === null ? '' : ` (${site.label})`;
    const aliases: { name: string; type: string; address: string; descr: string; detail: string }[] = [];
    let sourceAlias: string | null = null;
    if (site.sources.length > 0) {
      sourceAlias = 'EMAINT_SRC';
      aliases.push({
        name: sourceAlias,
        type: 'network',
        address: site.sources.map((s) => s.cidr).join(' '),
        descr: `eMaintenance devices and agent hosts${label}`,
        detail: site.sources.map(() => 'eMaintenance source').join('||'),
      });
    }
    const base = Math.floor(Date.parse(input.meta.generatedAt) / 1000);
    const ruleViews = portGroups(rules).map((g, i) => {
      // The site's own endpoints get aliases of their own (EMAINT_SH_, EMAINT_SP_), within 31 characters.
      const suffix = g.ports.join('_');
      const hosts = pfAliasName(g.site ? 'EMAINT_SH_' : 'EMAINT_H_', suffix);
      const ports = pfAliasName(g.site ? 'EMAINT_SP_' : 'EMAINT_P_', suffix);
      const portText = g.ports.map((p) => `tcp/${p}`).join(', ');
      aliases.push({
        name: hosts,
        type: 'host',
        address: g.destinations.map((d) => d.name).join(' '),
        descr: groupText(g, 'hosts', portText, label),
        // pfSense splits an alias's details at "||": a site's reason may not add one.
        detail: g.destinations.map((d) => describeFlows(d).replace(/\|(?=\|)/g, '| ')).join('||'),
      });
      aliases.push({
        name: ports,
        type: 'port',
        address: g.ports.join(' '),
        descr: `eMaintenance ports ${portText}`,
        detail: g.ports.map((p) => `tcp/${p}`).join('||'),
      });
      const certs = g.destinations.some((d) => d.clientCertificate) ? '; client-certificate TLS: exempt from TLS inspection' : '';
      // The rule's description is what pf's label keeps (63 characters): the ports and the
      // site; the hosts, agents and reasons are in the aliases' descriptions and details.
      return {
        tracker: String(base + i),
        hosts,
        ports,
        certs,
        descr: clip(`${g.site ? 'Site-specific' : 'eMaintenance'} egress ${portText}${label}`, LABEL_MAX),
        why: `${portText} to ${hostCount(g.destinations.length)} ${forWhom(g)}${certs}`,
      };
    });
    const families = new Set(site.sources.map((s) => s.family));
    const ipprotocol = families.size === 1 ? (families.has(4) ? 'inet' : 'inet6') : 'inet46';
    const extra = input.rules.mode === 'wildcard' ? ['wildcard mode asked, but pfSense aliases reject * wildcards: exact host names used'] : [];
    const content = engine.render('config.xml.hbs', {
      header: headerLines({ ...input, rules }, extra),
      interface: site.interface,
      ipprotocol,
      sourceAlias,
      aliases,
      rules: ruleViews,
      created: String(base),
      tool: input.meta.tool,
    });
    // The same aliases and rules as bodies for the REST API package (pfrest, pfSense-pkg-RESTAPI
    // v2): POST /api/v2/firewall/alias and /api/v2/firewall/rule, then /api/v2/firewall/apply.
    // Its `placement` is the rule's index in the whole filter list: 0, 1, ... puts them, in
    // order, above every block rule.
    // Rendered only for --import rest-api; the XML above is rendered either way: its escapers check the texts.
    const api = (): string =>
      engine.render('api.json.hbs', {
        generated: headerLines({ ...input, rules }, extra),
        aliases: aliases.map((a) => ({ name: a.name, type: a.type, descr: a.descr, address: a.address.split(' '), detail: a.detail.split('||') })),
        rules: ruleViews.map((r, i) => ({
          type: 'pass',
          interface: [site.interface],
          ipprotocol,
          protocol: 'tcp',
          source: sourceAlias ?? 'any',
          destination: r.hosts,
          destination_port: r.ports,
          descr: r.descr,
          log: true,
          placement: i,
        })),
      });
    const file = site.pfsenseImport === 'rest-api' ? { ...FILES.api, content: api() } : { ...FILES.xml, content };
    return {
      files: [file],
      warnings,
    };
  },
};

/** The REST API bodies as JSON, one value per line at most: the texts are already checked
 *  by the XML file's escapers (a backslash refused, the label clipped). */
function apiJson(v: unknown): string {
  return `${JSON.stringify(v, null, 2)}\n`;
}

function hostCount(n: number): string {
  return `${n} host${n > 1 ? 's' : ''}`;
}
