// nftables: an `nft -f` file that adds named sets (their addresses expiring unless
// renewed: expiry.ts) and chain emaint_egress to the site's own table, plus the dnsmasq
// nftset= snippet that keeps the sets filled.
import { FieldError } from '../errors.js';
import { type Family, NFT_NAME } from '../site.js';
import { createEngine } from './engine.js';
import { dnsmasqExpiryNotes, expiry, expiryNotes, secondsEscaper } from './expiry.js';
import { hashComment, identifier, nftComment } from './escape.js';
import {
  addressEscaper,
  dnsName,
  dnsmasqFile,
  dnsmasqLines,
  OTHER_CHAINS_NOTE,
  PERSIST_NOTES,
  families,
  placementNote,
  portEscaper,
  resolutionNote,
  setAddresses,
} from './netfilter.js';
import { chunks, noteLines } from './lines.js';
import { BASENAME, type Target, type TargetFile, headerLines } from './target.js';
import { ruleComment, setNames, why } from './words.js';
import { hookOption, nftTableOption, nftablesPosition, setTimeoutOption } from './options.js';

/** A set name as setNames writes it: at most 52 characters, the number two or more digits. */
const SET_NAME = '(?=[a-z0-9_]{1,52}(?:,|$))emaint_v[46]_\\d{2,}_[a-z0-9_]+';
const SET = new RegExp(`^${SET_NAME}$`);
/** One dnsmasq nftset target: `4#inet#filter#emaint_v4_01_...`. */
const SPEC = `[46]#(inet|ip|ip6)#${NFT_NAME}#${SET_NAME}`;
const TABLE = new RegExp(`^(inet|ip|ip6) ${NFT_NAME}$`);
/** Source networks, or resolved addresses, per `add element` line. */
const ELEMENTS_PER_LINE = 20;

const DNSMASQ = dnsmasqFile('nftables');
const FILE: TargetFile = { name: `${BASENAME}.nft`, apply: `nft -f ${BASENAME}.nft` };

export const nftables: Target = {
  id: 'nftables',
  title: 'nft -f file (sets + chain emaint_egress) + dnsmasq nftset snippet',
  usesAddresses: true,
  takesWildcards: true,
  options: [hookOption, nftablesPosition, nftTableOption, setTimeoutOption],
  files: [FILE, { name: DNSMASQ.name, apply: DNSMASQ.apply }],
  render(input, templates) {
    const { rules, site, resolution } = input;
    const table = `${site.nftTable.family} ${site.nftTable.name}`;
    const engine = createEngine('nftables', templates, {
      comment: hashComment,
      table: identifier(TABLE, 'nftables table'),
      name: identifier(SET, 'nftables set name'),
      word: identifier(/^(ipv4_addr|ipv6_addr|ip daddr|ip6 daddr)$/, 'nftables keyword'),
      source: identifier(/^emaint_src_v[46]$/, 'nftables source set'),
      rule: identifier(
        new RegExp(`^(add|insert) rule (inet|ip|ip6) ${NFT_NAME} (output|forward)( position \\d{1,10})?( ip6? saddr @emaint_src_v[46])? jump emaint_egress$`),
        'nftables jump rule',
      ),
      cidr: identifier(/^[0-9a-f.:]+\/\d{1,3}$/, 'network'),
      setlist: identifier(new RegExp(`^${SPEC}(,${SPEC})*$`), 'nftset list'),
      port: portEscaper,
      address: addressEscaper,
      domain: dnsName,
      nftcomment: nftComment,
      seconds: secondsEscaper,
    });
    const timeout = expiry(site);
    const tableFamilies: Family[] = site.nftTable.family === 'ip' ? [4] : site.nftTable.family === 'ip6' ? [6] : [4, 6];
    // A source the table cannot hold would be dropped without a word: refuse instead.
    const lost = site.sources.filter((s) => !tableFamilies.includes(s.family));
    if (lost.length > 0) {
      const shown = `${lost
        .map((s) => s.cidr)
        .slice(0, 3)
        .join(', ')}${lost.length > 3 ? ', ...' : ''}`;
      throw new FieldError(
        'nft-table',
        `${table}: an ${site.nftTable.family} table cannot hold the IPv${lost[0]?.family} sources (${shown}); use an inet table, or leave them out`,
      );
    }
    const all = families(site.sources, resolution);
    const present = all.filter((f) => tableFamilies.includes(f));
    if (present.length === 0) {
      throw new FieldError(
        'nft-table',
        `${table}: an ${site.nftTable.family} table cannot hold IPv4, which the rules need without IPv6 sources; use an inet table`,
      );
    }
    const warnings = all.some((f) => !present.includes(f))
      ? [
          `the nftables table ${table} filters no IPv${all.find((f) => !present.includes(f))} traffic: ` +
            'the addresses of that family found by the lookup are not used',
        ]
      : [];
    const names = rules.destinations.map((d) => d.name);
    const setsOf = new Map<Family, string[]>(present.map((f) => [f, setNames(names, `emaint_v${f}_`, '_', 52)]));
    const chain = site.hook ?? 'forward';
    const verb =
      site.position.at === 'bottom'
        ? `add rule ${table} ${chain}`
        : site.position.at === 'top'
          ? `insert rule ${table} ${chain}`
          : `insert rule ${table} ${chain} position ${site.position.anchor}`;
    // The sources go into named sets, filled a few per line: 500 networks stay readable
    // and every line short.
    const sourceSets = present.flatMap((f) => {
      const mine = site.sources.filter((s) => s.family === f).map((s) => s.cidr);
      return mine.length === 0
        ? []
        : [{ name: `emaint_src_v${f}`, type: f === 4 ? 'ipv4_addr' : 'ipv6_addr', label: `IPv${f}`, family: f, chunks: chunks(mine, ELEMENTS_PER_LINE) }];
    });
    const jumps =
      site.sources.length === 0
        ? [`${verb} jump emaint_egress`]
        : sourceSets.map((set) => `${verb} ${set.family === 4 ? 'ip' : 'ip6'} saddr @${set.name} jump emaint_egress`);
    const header = headerLines(input);
    const index = new Map(rules.destinations.map((d, i) => [d.name, i]));
    const content = engine.render('nft.hbs', {
      header,
      apply: FILE.apply,
      table,
      hookless: site.hook === null,
      jumps,
      sourceSets,
      notes: noteLines([
        ...(site.hook === null ? [] : [placementNote(site.position, chain, 'the rule with handle')]),
        OTHER_CHAINS_NOTE,
        PERSIST_NOTES.nftables,
        ...expiryNotes('nftables', timeout),
      ]),
      sets: present.flatMap((f) =>
        rules.destinations.map((d, i) => ({
          name: setsOf.get(f)?.[i],
          type: f === 4 ? 'ipv4_addr' : 'ipv6_addr',
          timeout: timeout?.seconds ?? null,
          why: why(d),
          source: resolutionNote(d, f, resolution),
          // A lookup can answer with many addresses: a few per line, as the sources.
          addresses: chunks(setAddresses(d, f, resolution), ELEMENTS_PER_LINE),
        })),
      ),
      rules: present.flatMap((f) =>
        rules.rules.map((r) => ({
          match: f === 4 ? 'ip daddr' : 'ip6 daddr',
          set: setsOf.get(f)?.[index.get(r.name) ?? -1],
          port: r.port,
          why: why(r),
          comment: ruleComment(r),
          renew: timeout !== null,
        })),
      ),
    });
    const dnsmasq = engine.render('dnsmasq.conf.hbs', {
      header,
      apply: DNSMASQ.install,
      cap: timeout?.dnsmasqCap ?? null,
      expiryNotes: timeout === null ? [] : noteLines(dnsmasqExpiryNotes(timeout)),
      lines: dnsmasqLines(rules.destinations, (i) =>
        present.map((f) => `${f}#${site.nftTable.family}#${site.nftTable.name}#${setsOf.get(f)?.[i] ?? ''}`).join(','),
      ),
    });
    return {
      files: [
        { ...FILE, content },
        { name: DNSMASQ.name, content: dnsmasq, apply: DNSMASQ.apply },
      ],
      warnings,
    };
  },
};
