// PAN-OS: configure-mode `set` commands. FQDN address objects, one address group and
// one service set per distinct port set, and one security rule per port set, so no
// host gets a port it does not need. Wildcard mode uses a custom URL category (URL
// List), because FQDN objects do not take wildcards.
import { type Destination, portGroups } from '../rules.js';
import { quoteValue } from '../text.js';
import { RenderError, createEngine } from './engine.js';
import { hashComment, identifier, panosQuoted } from './escape.js';
import { dnsName, portEscaper } from './netfilter.js';
import { chunks } from './lines.js';
import { BASENAME, type Target, headerLines } from './target.js';
import { objectName, why } from './words.js';
import { fromZoneOption, panosPosition, toZoneOption } from './options.js';

/** PAN-OS object names: at most 63 characters; letters, digits, -, _ and . (no spaces,
 *  so no quoting), starting with a letter or digit. */
const PANOS_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Members per `set address-group ... static [ ... ]` line: `set` adds to a member list,
 *  so a group of 500 is written in parts and every line stays short. */
const MEMBERS_PER_LINE = 40;

/** A valid PAN-OS object name from `text` (63 characters at most). */
export const panosName = (text: string): string => objectName(text);

function members(v: unknown): string {
  if (v === 'any') return 'any';
  if (Array.isArray(v) && v.length > 0 && v.every((m) => typeof m === 'string' && PANOS_NAME.test(m))) return `[ ${v.join(' ')} ]`;
  throw new RenderError(`PAN-OS member list: ${quoteValue(String(v))} is not valid`);
}

const URL_ENTRY = /^\*\.[a-z0-9.-]+\/$/;

export const panos: Target = {
  id: 'panos',
  title: 'PAN-OS CLI set commands',
  usesAddresses: false,
  takesWildcards: true,
  options: [fromZoneOption, toZoneOption, panosPosition],
  render(input, templates) {
    const { rules, site } = input;
    const engine = createEngine('panos', templates, {
      comment: hashComment,
      name: identifier(PANOS_NAME, 'PAN-OS name'),
      quoted: panosQuoted,
      fqdn: dnsName,
      cidr: identifier(/^[0-9a-f.:]+\/\d{1,3}$/, 'network'),
      url: identifier(URL_ENTRY, 'URL list entry'),
      port: portEscaper,
      members,
      where: identifier(/^(top|bottom)$/, 'PAN-OS rule position'),
    });
    const label = site.label === null ? '' : ` (${site.label})`;
    const warnings: string[] = [];

    // URL categories match web traffic: wildcard rules on 443 use one; others stay exact.
    const byName = new Map(input.exact.destinations.map((d) => [d.name, d]));
    const urlRules = rules.rules.filter((r) => r.kind === 'wildcard' && r.port === 443);
    const exact = new Map<string, Destination>();
    for (const r of rules.rules) {
      if (r.kind === 'wildcard' && r.port === 443) continue;
      if (r.kind === 'wildcard')
        warnings.push(`${r.name} on tcp/${r.port}: URL categories match web traffic only, so PAN-OS allows its ${r.hosts.length} planned host(s) by name`);
      for (const h of r.hosts) {
        const d = byName.get(h);
        if (!d) continue;
        const seen = exact.get(h);
        const ports = [...new Set([...(seen?.ports ?? []), r.port])].sort((a, b) => a - b);
        exact.set(h, { ...d, ports });
      }
    }
    const exactSet = { ...input.exact, destinations: [...exact.values()] };

    const sources = site.sources.map((s, i) => ({ name: `emaint-src-${i + 1}`, cidr: s.cidr, descr: `eMaintenance devices and agent hosts${label}` }));
    const sourceGroup = sources.length > 0 ? 'emaint-sources' : null;
    const addresses = exactSet.destinations.map((d) => ({ name: panosName(`emaint-${d.name}`), host: d.name, why: why(d) }));
    const addressOf = new Map(addresses.map((a) => [a.host, a.name]));
    const groups = portGroups(exactSet).map((g) => {
      const suffix = g.ports.join('-');
      return {
        name: `emaint-hosts-tcp-${suffix}`,
        members: chunks(
          g.destinations.map((d) => addressOf.get(d.name) ?? ''),
          MEMBERS_PER_LINE,
        ),
        descr: `eMaintenance hosts on ${g.ports.map((p) => `tcp/${p}`).join(', ')} for ${g.agents.join(', ')}${label}`,
        ports: g.ports,
        agents: g.agents,
        clientCertificate: g.destinations.some((d) => d.clientCertificate),
      };
    });
    const ports = [...new Set([...groups.flatMap((g) => g.ports), ...(urlRules.length ? [443] : [])])].sort((a, b) => a - b);
    const services = ports.map((p) => ({ name: `emaint-tcp-${p}`, port: p }));
    const category =
      urlRules.length > 0
        ? {
            name: 'emaint-wildcards',
            entries: urlRules.map((r) => `${r.name}/`),
            why: `vendor wildcards: ${urlRules.map((r) => r.name).join(', ')}`,
            descr: `eMaintenance vendor wildcard domains${label}`,
          }
        : null;
    type Members = string[] | 'any';
    const ruleViews: { name: string; destination: Members; services: string[]; category: Members; why: string; descr: string }[] = groups.map((g) => ({
      name: `emaint-egress-tcp-${g.ports.join('-')}`,
      destination: [g.name],
      services: g.ports.map((p) => `emaint-tcp-${p}`),
      category: 'any',
      why: `${g.members.flat().length} host(s) on ${g.ports.map((p) => `tcp/${p}`).join(', ')} for ${g.agents.join(', ')}`,
      descr:
        `eMaintenance egress${label}: ${g.ports.map((p) => `tcp/${p}`).join(', ')} for ${g.agents.join(', ')}` +
        (g.clientCertificate ? '; client-certificate TLS: exclude from decryption' : ''),
    }));
    if (category) {
      const agents = input.rules.agents.filter((a) => urlRules.some((r) => r.agents.includes(a)));
      ruleViews.unshift({
        name: 'emaint-egress-wildcards',
        destination: 'any',
        services: ['emaint-tcp-443'],
        category: [category.name],
        why: `vendor wildcard domains on tcp/443 for ${agents.join(', ')}`,
        descr: `eMaintenance egress${label}: vendor wildcard domains on tcp/443 for ${agents.join(', ')}`,
      });
    }
    // New rules land at the bottom of the rulebase, below any deny-all: move them. Moving
    // each to the top in reverse order keeps their own order; before an anchor, in order.
    const position = site.position;
    const names = ruleViews.map((r) => r.name);
    const moves =
      position.at === 'top'
        ? [...names].reverse().map((name) => ({ name, where: 'top', before: null }))
        : position.at === 'bottom'
          ? names.map((name) => ({ name, where: 'bottom', before: null }))
          : names.map((name) => ({ name, where: null, before: position.anchor }));
    const placement =
      position.at === 'top'
        ? 'New rules land at the bottom, below any deny-all: these move them to the top of the rulebase.'
        : position.at === 'bottom'
          ? 'The rules stay at the bottom of the rulebase: a deny-all above them hides them.'
          : `These move the rules before "${position.anchor}" in the rulebase.`;
    const file = `${BASENAME}.set`;
    const content = engine.render('set.hbs', {
      header: headerLines(input),
      file,
      sources,
      sourceChunks: chunks(
        sources.map((x) => x.name),
        MEMBERS_PER_LINE,
      ),
      sourceGroup,
      sourceDescr: `eMaintenance devices and agent hosts${label}`,
      addresses,
      groups,
      services,
      category,
      rules: ruleViews,
      moves,
      placement,
      fromZone: site.fromZone,
      toZone: site.toZone,
      source: sourceGroup ? [sourceGroup] : 'any',
    });
    return { files: [{ name: file, content, apply: `paste the set and move commands in configure mode, then commit` }], warnings };
  },
};
