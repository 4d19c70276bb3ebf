// nftables: an `nft -f` file that adds named sets and chain emaint_egress to the site's
// own table, plus the dnsmasq nftset= snippet that keeps the sets filled.
import { type Family, NFT_NAME, SiteOptionError } from '../site.js';
import { createEngine } from './engine.js';
import { hashComment, identifier, nftComment } from './escape.js';
import {
  DNSMASQ_APPLY,
  DNSMASQ_FILE,
  DNSMASQ_INSTALL,
  addressEscaper,
  dnsName,
  dnsmasqLines,
  families,
  portEscaper,
  resolutionNote,
  setAddresses,
} from './netfilter.js';
import { BASENAME, type Target, headerLines } from './target.js';
import { ruleComment, setNames, why } from './words.js';

const SET_NAME = 'emaint_v[46]_\\d{2}_[a-z0-9_]{1,40}';
const SET = new RegExp(`^${SET_NAME}$`);
/** One dnsmasq nftset target: `4#inet#filter#emaint_v4_01_...`. */
const SPEC = `[46]#(inet|ip|ip6)#${NFT_NAME}#${SET_NAME}`;
const TABLE = new RegExp(`^(inet|ip|ip6) ${NFT_NAME}$`);

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
        new RegExp(`^add rule (inet|ip|ip6) ${NFT_NAME} (output|forward)( ip6? saddr \\{ [0-9a-f.:/, ]+ \\})? jump emaint_egress$`),
        'nftables jump rule',
      ),
      setlist: identifier(new RegExp(`^${SPEC}(,${SPEC})*$`), 'nftset list'),
      port: portEscaper,
      address: addressEscaper,
      domain: dnsName,
      nftcomment: nftComment,
    });
    const tableFamilies: Family[] = site.nftTable.family === 'ip' ? [4] : site.nftTable.family === 'ip6' ? [6] : [4, 6];
    const present = families(site.sources, resolution).filter((f) => tableFamilies.includes(f));
    if (present.length === 0) {
      throw new SiteOptionError(`--nft-table ${table}: an ${site.nftTable.family} table cannot hold the address family of --source; use an inet table`);
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
          why: why(d),
          source: resolutionNote(d, f, resolution),
          addresses: setAddresses(d, f, resolution),
        })),
      ),
      rules: present.flatMap((f) =>
        rules.rules.map((r) => ({
          match: f === 4 ? 'ip daddr' : 'ip6 daddr',
          set: setsOf.get(f)?.[index.get(r.name) ?? -1],
          port: r.port,
          why: why(r),
          comment: ruleComment(r),
        })),
      ),
    });
    const dnsmasq = engine.render('dnsmasq.conf.hbs', {
      header,
      apply: DNSMASQ_INSTALL,
      lines: dnsmasqLines(rules.destinations, (i) =>
        present.map((f) => `${f}#${site.nftTable.family}#${site.nftTable.name}#${setsOf.get(f)?.[i] ?? ''}`).join(','),
      ),
    });
    return {
      files: [
        { name: `${BASENAME}.nft`, content, apply },
        { name: DNSMASQ_FILE, content: dnsmasq, apply: DNSMASQ_APPLY },
      ],
      warnings: [],
    };
  },
};
