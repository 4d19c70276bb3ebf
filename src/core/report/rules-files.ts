// The rules files a report lists (`report --rules DIR`): which target wrote each, how to apply
// it, and what its header says it was made for. The folder is read and hashed by
// io/rules-dir.ts; this names and reads what it found. Pure.
import type { TargetId } from '../render/target.js';
import { BASENAME } from '../render/target.js';

/** A file as found in the folder: its name, size, SHA-256 and the first bytes as text. */
export interface RulesFileInput {
  name: string;
  bytes: number;
  sha256: string;
  /** The file's first few KiB as UTF-8 (the header lives there). */
  head: string;
}

/** What a rules file's header says: the tool, catalogue, agents and mode it was made with. */
export interface RulesHeader {
  tool: string | null;
  catalogue: string | null;
  agents: string[];
  options: string[];
  mode: string | null;
  generatedAt: string | null;
  site: string | null;
}

export interface RulesFile extends RulesFileInput {
  /** The target that writes a file of this name; null: not a file `render` writes. */
  target: TargetId | null;
  /** How to apply it, one line (the target's own words, for its default settings). */
  apply: string | null;
  header: RulesHeader | null;
}

/**
 * Every file `render` writes, by name (names are unique across targets), with the target's
 * apply line for its default settings. test/report-rules.test.ts renders every target and
 * fails on a name or an apply line missing here: a new target adds its files.
 */
export const RULES_FILES: Readonly<Record<string, { target: TargetId; apply: string }>> = {
  [`${BASENAME}.asa.conf`]: {
    target: 'asa',
    apply: 'paste into the ASA CLI in configuration mode, then bind the access list as its last comment says',
  },
  [`${BASENAME}.opnsense-aliases.json`]: {
    target: 'opnsense',
    apply: `Firewall > Aliases > Import (upload button below the list), then Apply; or run ${BASENAME}.opnsense-apply.sh`,
  },
  [`${BASENAME}.opnsense-rules.json`]: {
    target: 'opnsense',
    apply: `after the aliases: post each "rule" to api/firewall/filter/add_rule, then api/firewall/filter/apply; ${BASENAME}.opnsense-apply.sh does both`,
  },
  [`${BASENAME}.opnsense-apply.sh`]: {
    target: 'opnsense',
    apply: `OPNSENSE_URL=https://<firewall> sh ${BASENAME}.opnsense-apply.sh <the API key file OPNsense downloaded>`,
  },
  [`${BASENAME}.xml`]: {
    target: 'pfsense',
    apply:
      'merge the <alias> and <rule> elements into a downloaded config.xml, ' + 'then restore its Aliases and Firewall Rules areas (see the comment at its top)',
  },
  [`${BASENAME}.pfsense-api.json`]: {
    target: 'pfsense',
    apply:
      'with the REST API package: POST each of .aliases to /api/v2/firewall/alias, ' +
      'each of .rules to /api/v2/firewall/rule, then POST /api/v2/firewall/apply',
  },
  [`${BASENAME}.ipset`]: { target: 'iptables', apply: `ipset -exist restore < ${BASENAME}.ipset` },
  [`${BASENAME}.rules`]: { target: 'iptables', apply: `iptables-restore --noflush < ${BASENAME}.rules` },
  [`${BASENAME}.v6.ipset`]: { target: 'iptables', apply: `ipset -exist restore < ${BASENAME}.v6.ipset` },
  [`${BASENAME}.v6.rules`]: { target: 'iptables', apply: `ip6tables-restore --noflush < ${BASENAME}.v6.rules` },
  [`${BASENAME}.iptables.dnsmasq.conf`]: {
    target: 'iptables',
    apply: 'copy to /etc/dnsmasq.d/, check with dnsmasq --test, restart dnsmasq (after the sets exist)',
  },
  [`${BASENAME}.nft`]: { target: 'nftables', apply: `nft -f ${BASENAME}.nft` },
  [`${BASENAME}.nftables.dnsmasq.conf`]: {
    target: 'nftables',
    apply: 'copy to /etc/dnsmasq.d/, check with dnsmasq --test, restart dnsmasq (after the sets exist)',
  },
  [`${BASENAME}.set`]: { target: 'panos', apply: 'paste the set and move commands in configure mode, then commit' },
  [`${BASENAME}.panos.xml`]: { target: 'panos', apply: 'send each <set> and <move> to the XML API of the firewall in order, then commit (see its comment)' },
  [`${BASENAME}.fortigate.conf`]: { target: 'fortigate', apply: 'paste into the FortiGate CLI, then move the new policies above any deny policy' },
  [`${BASENAME}.pac`]: {
    target: 'pac',
    apply: 'serve it to the devices and agent hosts (WPAD or the proxy settings), or test it: pactester -p emaint-egress.pac -u https://<host>/',
  },
  [`${BASENAME}.squid.conf`]: { target: 'squid', apply: `cp ${BASENAME}.squid.conf /etc/squid/conf.d/ && squid -k parse && squid -k reconfigure` },
  [`${BASENAME}.csv`]: { target: 'csv', apply: 'attach it to the change request, or open it in a spreadsheet' },
};

export function rulesFile(input: RulesFileInput): RulesFile {
  const known = Object.hasOwn(RULES_FILES, input.name) ? RULES_FILES[input.name] : undefined;
  return { ...input, target: known?.target ?? null, apply: known?.apply ?? null, header: known ? readHeader(input.head) : null };
}

/** The comment markers of the targets' headers: `#`, `//`, `<!-- ... -->`. */
const COMMENT = /^\s*(?:#|\/\/|<!--)\s?(.*?)\s*(?:-->)?\s*$/;

/** Reads target.ts's headerLines() back from a file's first lines; null when there is none. */
export function readHeader(head: string): RulesHeader | null {
  const lines = head
    .split(/\r?\n/)
    .slice(0, 40)
    .flatMap((l) => {
      const m = COMMENT.exec(l);
      return m ? [m[1] ?? ''] : [];
    });
  const find = (re: RegExp) => {
    for (const l of lines) {
      const m = re.exec(l);
      if (m) return m;
    }
    return null;
  };
  const tool = find(/^(\S+ \S+) — generated — do not edit by hand$/);
  const cat = find(/^catalogue (\d+\.\d+\.\d+); agents: ([a-z0-9, -]+?)(?: \(options: ([a-z0-9, -]+)\))?$/);
  if (tool === null && cat === null) return null;
  const list = (s: string | undefined) => (s === undefined ? [] : s.split(', ').filter((x) => x !== ''));
  return {
    tool: tool?.[1] ?? null,
    catalogue: cat?.[1] ?? null,
    agents: list(cat?.[2]),
    options: list(cat?.[3]),
    mode: find(/^mode: (exact|wildcard);/)?.[1] ?? null,
    generatedAt: find(/^generated: (\S+)$/)?.[1] ?? null,
    site: find(/^site: (.+)$/)?.[1] ?? null,
  };
}
