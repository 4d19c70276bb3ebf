// Squid, the explicit proxy many offices run: acl and http_access lines for inclusion into
// squid.conf that allow CONNECT to exactly the planned hosts and ports from the devices'
// networks. Hosts are grouped by the exact ports they need, so 8883 is allowed only to the
// IoT endpoint. Wildcard mode uses ".domain" entries.
import { portGroups } from '../rules.js';
import { createEngine } from './engine.js';
import { hashComment, identifier } from './escape.js';
import { noteLines } from './lines.js';
import { dnsName, portEscaper } from './netfilter.js';
import { BASENAME, type Target, type TargetFile, headerLines } from './target.js';
import { describeFlows, forWhom } from './words.js';

/** Squid acl names we write: lower case, digits and _ (no quoting anywhere). */
const ACL = /^emaint_[a-z0-9_]{1,60}$/;

const FILE: TargetFile = {
  name: `${BASENAME}.squid.conf`,
  apply: `cp ${BASENAME}.squid.conf /etc/squid/conf.d/ && squid -k parse && squid -k reconfigure`,
};

export const squid: Target = {
  id: 'squid',
  title: 'Squid acl and http_access lines (include into squid.conf)',
  usesAddresses: false,
  takesWildcards: true,
  options: [],
  files: [FILE],
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
    // The rules keep the vendor wildcards to 443 (the IoT endpoint's 8883 stays by name), so
    // a port group's destinations are Squid's ".domain" entries or exact hosts.
    const groups = portGroups(rules).map((g) => {
      // The site's own endpoints get acls of their own, never the catalogue's.
      const suffix = `${g.site ? 'site_' : ''}${g.ports.join('_')}`;
      return {
        portAcl: `emaint_port_${suffix}`,
        dstAcl: `emaint_dst_${suffix}`,
        ports: g.ports,
        why: `${count(g.destinations.length)} on ${g.ports.map((p) => `tcp/${p}`).join(', ')} ${forWhom(g)}`,
        destinations: g.destinations.map((d) => ({ match: d.kind === 'wildcard' ? `.${d.domain}` : d.name, why: `${d.name}: ${describeFlows(d)}` })),
      };
    });
    const tlsPorts = [...new Set(rules.rules.filter((r) => r.site === null).map((r) => r.port))].filter((p) => p !== 443 && p !== 80);
    // A site endpoint's own ports: CONNECT to them must pass SSL_ports and Safe_ports too.
    const sitePorts = [...new Set(rules.rules.filter((r) => r.site !== null).map((r) => r.port))].filter((p) => p !== 443 && !tlsPorts.includes(p));
    const nobump = [...new Set(input.exact.destinations.filter((d) => d.clientCertificate).map((d) => d.name))];
    const content = engine.render('emaint-egress.conf.hbs', {
      header: headerLines(input),
      apply: FILE.apply,
      notes: noteLines(['Squid resolves the names itself: the devices need no DNS answer for them, but Squid must reach a resolver that answers them.']),
      connect: 'emaint_connect',
      sourceAcl: site.sources.length > 0 ? 'emaint_src' : null,
      sources: site.sources.map((s) => s.cidr),
      tlsPorts,
      sitePorts,
      groups,
      nobump,
    });
    return { files: [{ ...FILE, content }], warnings: [] };
  },
};

function count(n: number): string {
  return `${n} destination${n === 1 ? '' : 's'}`;
}
