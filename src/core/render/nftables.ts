// nftables: an `nft -f` file that adds named sets and chain emaint_egress to the site's
// own table, plus the dnsmasq nftset= snippet that keeps the sets filled.
import type { Family } from '../site.js';
import { createEngine } from './engine.js';
import { hashComment, identifier, nftComment } from './escape.js';
import { addressEscaper, dnsName, dnsmasqMatch, families, portEscaper, resolutionNote, setAddresses } from './netfilter.js';
import { BASENAME, type Target, headerLines } from './target.js';
import { describeFlows, setNames } from './words.js';

const SET = /^emaint_v[46]_\d{2}_[a-z0-9_]{1,40}$/;
const TABLE = /^(inet|ip|ip6) [A-Za-z][A-Za-z0-9_]{0,63}$/;

export const nftables: Target = {
  id: 'nftables',
  title: 'nft -f file (sets + chain emaint_egress) + dnsmasq nftset snippet',
  usesAddresses: true,
  takesWildcards: true,
  render(input, templates) {
    const { rules, site, resolution } = input;
    const table = `${site.nftTable.family} ${site.nftTable.name}`;
    const engine = createEngine('nftables', templates, {
      comment: hashComment,
      table: identifier(TABLE, 'nftables table'),
      name: identifier(SET, 'nftables set name'),
      word: identifier(/^(ipv4_addr|ipv6_addr|ip daddr|ip6 daddr)$/, 'nftables keyword'),
      rule: identifier(
        /^add rule (inet|ip|ip6) [A-Za-z][A-Za-z0-9_]{0,63} (output|forward)( ip6? saddr \{ [0-9a-f.:/, ]+ \})? jump emaint_egress$/,
        'nftables jump rule',
      ),
      setlist: identifier(/^[46]#(inet|ip|ip6)#[A-Za-z][A-Za-z0-9_]{0,63}#emaint_v[46]_\d{2}_[a-z0-9_]{1,40}(,[46]#(inet|ip|ip6)#[A-Za-z][A-Za-z0-9_]{0,63}#emaint_v[46]_\d{2}_[a-z0-9_]{1,40})*$/, 'nftset list'),
      port: portEscaper,
      address: addressEscaper,
      domain: dnsName,
      nftcomment: nftComment,
    });
    const tableFamilies: Family[] = site.nftTable.family === 'ip' ? [4] : site.nftTable.family === 'ip6' ? [6] : [4, 6];
    const present = families(site.sources, resolution).filter((f) => tableFamilies.includes(f));
    if (present.length === 0) {
      return { files: [], warnings: [`table ${table} cannot hold the families of --source; use an inet table`] };
    }
    const names = rules.destinations.map((d) => d.name);
    const setsOf = new Map<Family, string[]>(present.map((f) => [f, setNames(names, `emaint_v${f}_`, '_', 52)]));
    const chain = site.hook ?? 'forward';
    const jumps: string[] = [];
    if (site.sources.length === 0) jumps.push(`add rule ${table} ${chain} jump emaint_egress`);
    for (const f of present) {
      const mine = site.sources.filter((s) => s.family === f).map((s) => s.cidr);
      if (mine.length > 0) jumps.push(`add rule ${table} ${chain} ${f === 4 ? 'ip' : 'ip6'} saddr { ${mine.join(', ')} } jump emaint_egress`);
    }
    const header = headerLines(input);
    const apply = `nft -f ${BASENAME}.nft`;
    const index = new Map(rules.destinations.map((d, i) => [d.name, i]));
    const content = engine.render('nft.hbs', {
      header,
      apply,
      table,
      hookless: site.hook === null,
      jumps,
      sets: present.flatMap((f) =>
        rules.destinations.map((d, i) => ({
          name: setsOf.get(f)?.[i],
          type: f === 4 ? 'ipv4_addr' : 'ipv6_addr',
          why: `${d.name}: ${describeFlows(d)}`,
          source: resolutionNote(d, f, resolution),
          addresses: setAddresses(d, f, resolution),
        })),
      ),
      rules: present.flatMap((f) =>
        rules.rules.map((r) => ({
          match: f === 4 ? 'ip daddr' : 'ip6 daddr',
          set: setsOf.get(f)?.[index.get(r.name) ?? -1],
          port: r.port,
          why: `${r.name}: ${describeFlows(r)}`,
          comment: `emaint-egress: ${r.name} tcp/${r.port} for ${r.agents.join(',')}`,
        })),
      ),
    });
    const dnsmasq = engine.render('dnsmasq.conf.hbs', {
      header,
      apply: `cp ${BASENAME}.dnsmasq.conf /etc/dnsmasq.d/ && systemctl restart dnsmasq`,
      lines: rules.destinations.map((d, i) => ({
        why: `${d.name}: ${describeFlows(d)}`,
        match: dnsmasqMatch(d),
        sets: present.map((f) => `${f}#${site.nftTable.family}#${site.nftTable.name}#${setsOf.get(f)?.[i] ?? ''}`).join(','),
      })),
    });
    return {
      files: [
        { name: `${BASENAME}.nft`, content, apply },
        { name: `${BASENAME}.dnsmasq.conf`, content: dnsmasq, apply: 'copy to /etc/dnsmasq.d/ and restart dnsmasq (after the sets exist)' },
      ],
      warnings: [],
    };
  },
};
