// iptables: ipset sets (one per allowed name, their addresses expiring unless renewed:
// expiry.ts), a dnsmasq snippet that keeps them filled, and an iptables-restore file with
// chain EMAINT-EGRESS. IPv6 gets its own ip6tables and inet6 set files when there are
// IPv6 sources or addresses.
import type { Family } from '../site.js';
import { createEngine } from './engine.js';
import { dnsmasqExpiryNotes, expiry, expiryNotes, renewNote, secondsEscaper } from './expiry.js';
import { hashComment, identifier, iptablesComment } from './escape.js';
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
import { noteLines } from './lines.js';
import { BASENAME, type RenderedFile, type Target, type TargetFile, headerLines } from './target.js';
import { ruleComment, setNames, why } from './words.js';
import { hookOption, iptablesPosition, setTimeoutOption } from './options.js';

const CHAIN = 'EMAINT-EGRESS';
/** An ipset name as setNames writes it: at most 31 characters (ipset's limit), the number two
 *  or more digits. Followed by a comma or the end, in a list. */
const SET_ITEM = '(?=[^,]{1,31}(?:,|$))em[46]-\\d{2,}-[a-z0-9-]+';
const SET_NAME = new RegExp(`^${SET_ITEM}$`);

const DNSMASQ = dnsmasqFile('iptables');

/** The ipset and iptables-restore files of one family (IPv6's only with IPv6 sources or addresses). */
const FILES: Record<Family, { sets: TargetFile; rules: TargetFile }> = {
  4: {
    sets: { name: `${BASENAME}.ipset`, apply: `ipset -exist restore < ${BASENAME}.ipset` },
    rules: { name: `${BASENAME}.rules`, apply: `iptables-restore --noflush < ${BASENAME}.rules` },
  },
  6: {
    sets: { name: `${BASENAME}.v6.ipset`, apply: `ipset -exist restore < ${BASENAME}.v6.ipset` },
    rules: { name: `${BASENAME}.v6.rules`, apply: `ip6tables-restore --noflush < ${BASENAME}.v6.rules` },
  },
};

export const iptables: Target = {
  id: 'iptables',
  title: 'iptables-restore rules + ipset sets + dnsmasq snippet',
  usesAddresses: true,
  takesWildcards: true,
  options: [hookOption, iptablesPosition, setTimeoutOption],
  files: [FILES[4].sets, FILES[4].rules, FILES[6].sets, FILES[6].rules, { name: DNSMASQ.name, apply: DNSMASQ.apply }],
  render(input, templates) {
    const { rules, site, resolution } = input;
    const engine = createEngine('iptables', templates, {
      comment: hashComment,
      set: identifier(SET_NAME, 'ipset name'),
      setlist: identifier(new RegExp(`^${SET_ITEM}(,${SET_ITEM})*$`), 'ipset list'),
      word: identifier(/^inet6?$/, 'ipset family'),
      chain: identifier(/^EMAINT-EGRESS$/, 'chain'),
      rule: identifier(/^-(A|I) (OUTPUT|FORWARD)( \d{1,6})?( -s [0-9a-f.:]+\/\d{1,3})? -j EMAINT-EGRESS$/, 'jump rule'),
      port: portEscaper,
      address: addressEscaper,
      domain: dnsName,
      iptcomment: iptablesComment,
      seconds: secondsEscaper,
    });
    const timeout = expiry(site);
    const present = families(site.sources, resolution);
    const names = rules.destinations.map((d) => d.name);
    const setsOf = new Map<Family, string[]>(present.map((f) => [f, setNames(names, `em${f}-`, '-', 31)]));
    const hookChain = (site.hook ?? 'forward').toUpperCase();
    const verb = site.position.at === 'bottom' ? `-A ${hookChain}` : site.position.at === 'top' ? `-I ${hookChain}` : `-I ${hookChain} ${site.position.anchor}`;
    const files: RenderedFile[] = [];
    const apply = (f: Family) => `${FILES[f].sets.apply} && ${FILES[f].rules.apply}`;
    for (const f of present) {
      const sets = setsOf.get(f) ?? [];
      const header = headerLines(input, [`${f === 4 ? 'IPv4' : 'IPv6'} part of the iptables target`]);
      files.push({
        ...FILES[f].sets,
        content: engine.render('ipset.hbs', {
          header,
          apply: apply(f),
          family: f === 4 ? 'inet' : 'inet6',
          notes: noteLines(expiryNotes('iptables', timeout)),
          sets: rules.destinations.map((d, i) => ({
            name: sets[i],
            timeout: timeout?.seconds ?? null,
            why: why(d),
            source: resolutionNote(d, f, resolution),
            addresses: setAddresses(d, f, resolution),
          })),
        }),
      });
      const index = new Map(rules.destinations.map((d, i) => [d.name, i]));
      const sources = site.sources.filter((s) => s.family === f);
      const jumps = site.sources.length === 0 ? [`${verb} -j ${CHAIN}`] : sources.map((s) => `${verb} -s ${s.cidr} -j ${CHAIN}`);
      files.push({
        ...FILES[f].rules,
        content: engine.render('rules.hbs', {
          header,
          apply: apply(f),
          hookless: site.hook === null,
          jumps,
          deleteCommand: `${f === 4 ? 'iptables' : 'ip6tables'} -D`,
          notes: noteLines([
            ...(site.hook === null ? [] : [placementNote(site.position, hookChain, 'rule')]),
            OTHER_CHAINS_NOTE,
            PERSIST_NOTES.iptables,
            ...renewNote(timeout),
          ]),
          chain: CHAIN,
          rules: rules.rules.map((r) => ({
            set: sets[index.get(r.name) ?? -1],
            port: r.port,
            why: why(r),
            comment: ruleComment(r),
            renew: timeout !== null,
            renewComment: `emaint-egress: renew ${r.name} tcp/${r.port}`,
          })),
        }),
      });
    }
    files.push({
      name: DNSMASQ.name,
      apply: DNSMASQ.apply,
      content: engine.render('dnsmasq.conf.hbs', {
        header: headerLines(input),
        apply: DNSMASQ.install,
        cap: timeout?.dnsmasqCap ?? null,
        expiryNotes: timeout === null ? [] : noteLines(dnsmasqExpiryNotes(timeout)),
        lines: dnsmasqLines(rules.destinations, (i) => present.map((f) => setsOf.get(f)?.[i] ?? '').join(',')),
      }),
    });
    const warnings =
      site.hook === null && site.sources.length > 0
        ? [`the sources are matched by the jump into ${CHAIN}; with no chain to jump from, add the jump yourself (see the comment in the .rules file)`]
        : [];
    return { files, warnings };
  },
};
