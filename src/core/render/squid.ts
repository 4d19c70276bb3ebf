// Squid, the explicit proxy many offices run: acl and http_access lines for inclusion into
// squid.conf that allow CONNECT to exactly the planned hosts and ports from the devices'
// networks. Hosts are grouped by the exact ports they need, so 8883 is allowed only to the
// IoT endpoint. Wildcard mode uses ".domain" entries.
import { createEngine } from './engine.js';
import { hashComment, identifier } from './escape.js';
import { noteLines } from './lines.js';
import { dnsName, portEscaper } from './netfilter.js';
import { BASENAME, type Target, headerLines } from './target.js';

/** Squid acl names we write: lower case, digits and _ (no quoting anywhere). */
const ACL = /^emaint_[a-z0-9_]{1,60}$/;

export const squid: Target = {
  id: 'squid',
  title: 'Squid acl and http_access lines (include into squid.conf)',
  usesAddresses: false,
  takesWildcards: true,
  options: [],
  render(input, templates) {
    const { rules, site } = input;
    const engine = createEngine('squid', templates, {
      comment: hashComment,
      name: identifier(ACL, 'Squid acl name'),
      cidr: identifier(/^[0-9a-f.:]+\/\d{1,3}$/, 'network'),
      // Squid's ".domain" (the domain and every name below it): a DNS name after the dot.
      domain: (v: unknown) => {
        const s = typeof v === 'string' ? v : '';
        return (s.startsWith('.') ? '.' : '') + dnsName(s.replace(/^\./, ''));
      },
      port: portEscaper,
    });
    // (what Squid matches, port) pairs: a wildcard on the web port, but a port only the IoT
    // endpoint uses (8883) goes to its hosts by name, never to all of the vendor's domain.
    const pairs = new Map<string, { match: string; why: string; ports: number[]; agents: Set<string> }>();
    for (const r of rules.rules) {
      const byName = r.kind === 'wildcard' && r.port !== 443;
      const entries = byName ? r.hosts.map((h) => ({ match: h, why: h })) : [{ match: r.kind === 'wildcard' ? `.${r.domain}` : r.name, why: r.name }];
      for (const e of entries) {
        const p = pairs.get(e.match) ?? { match: e.match, why: e.why, ports: [], agents: new Set<string>() };
        p.ports.push(r.port);
        for (const a of r.agents) p.agents.add(a);
        pairs.set(e.match, p);
      }
    }
    const byPorts = new Map<string, { ports: number[]; destinations: { match: string; why: string }[]; agents: Set<string> }>();
    for (const p of pairs.values()) {
      const ports = [...new Set(p.ports)].sort((a, b) => a - b);
      const g = byPorts.get(ports.join('_')) ?? { ports, destinations: [], agents: new Set<string>() };
      g.destinations.push({ match: p.match, why: `${p.why}: tcp/${ports.join(', tcp/')} for ${[...p.agents].join(', ')}` });
      for (const a of p.agents) g.agents.add(a);
      byPorts.set(ports.join('_'), g);
    }
    const order = (ids: Set<string>) => rules.agents.filter((a) => ids.has(a));
    const groups = [...byPorts.values()].map((g) => {
      const suffix = g.ports.join('_');
      return {
        portAcl: `emaint_port_${suffix}`,
        dstAcl: `emaint_dst_${suffix}`,
        ports: g.ports,
        why: `${count(g.destinations.length)} on ${g.ports.map((p) => `tcp/${p}`).join(', ')} for ${order(g.agents).join(', ')}`,
        destinations: g.destinations,
      };
    });
    const tlsPorts = [...new Set(rules.rules.map((r) => r.port))].filter((p) => p !== 443 && p !== 80);
    const nobump = [...new Set(input.exact.destinations.filter((d) => d.clientCertificate).map((d) => d.name))];
    const apply = `cp ${BASENAME}.squid.conf /etc/squid/conf.d/ && squid -k parse && squid -k reconfigure`;
    const content = engine.render('emaint-egress.conf.hbs', {
      header: headerLines(input),
      apply,
      notes: noteLines(['Squid resolves the names itself: the devices need no DNS answer for them, but Squid must reach a resolver that answers them.']),
      connect: 'emaint_connect',
      sourceAcl: site.sources.length > 0 ? 'emaint_src' : null,
      sources: site.sources.map((s) => s.cidr),
      tlsPorts,
      groups,
      nobump,
    });
    return { files: [{ name: `${BASENAME}.squid.conf`, content, apply }], warnings: [] };
  },
};

function count(n: number): string {
  return `${n} destination${n === 1 ? '' : 's'}`;
}
