// PAN-OS: the same configuration in two forms, side by side. Configure-mode `set`
// commands to paste, and the XML API elements (each with its xpath) that a script or
// Panorama takes. FQDN address objects, one address group and one service set per
// distinct port set, and one security rule per port set with its App-IDs, so no host gets
// a port it does not need. Wildcard mode uses a custom URL category (URL List), because
// FQDN objects do not take wildcards. With a device group, everything goes to Panorama:
// the objects into the device group, the rules into its pre-rulebase.
import { quoteValue } from '../text.js';
import { RenderError, createEngine } from './engine.js';
import { hashComment, identifier, panosQuoted, xmlComment, xmlText } from './escape.js';
import { noteLines } from './lines.js';
import { dnsName, portEscaper } from './netfilter.js';
import { type TargetOption, fromZoneOption, panosPosition, panosReference, toZoneOption } from './options.js';
import { type Members, PANOS_NAME, type PanosConfig, cliName, panosConfig, panosName } from './panos-model.js';
import { BASENAME, type Target, type TargetFile, headerLines } from './target.js';

export { panosName };

const OPTIONS: readonly TargetOption[] = [
  fromZoneOption,
  toZoneOption,
  panosPosition,
  panosReference('log-setting', 'logSetting', 'Log forwarding profile', 'the log forwarding profile the rules name (default: none)', 63),
  panosReference('profile-group', 'profileGroup', 'Security profile group', 'the security profile group the rules name (default: none)', 63),
  panosReference(
    'device-group',
    'deviceGroup',
    'Panorama device group',
    "write for Panorama: the objects into this device group, the rules into its pre-rulebase (default: none, the firewall's own rulebase)",
    31,
  ),
];

/** A name on the site's side (zone, profile, group): letters, digits, spaces, . _ - */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;
const APP_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const URL_ENTRY = /^\*\.[a-z0-9.-]+\/$/;

function memberList(v: unknown, pattern: RegExp, what: string): string[] | 'any' {
  if (v === 'any') return 'any';
  if (Array.isArray(v) && v.length > 0 && v.every((m) => typeof m === 'string' && pattern.test(m))) return v as string[];
  throw new RenderError(`PAN-OS ${what} list: ${quoteValue(String(v))} is not valid`);
}

/** `any` or `[ a b ]` for the CLI. */
const cliMembers = (pattern: RegExp, what: string) => (v: unknown) => {
  const list = memberList(v, pattern, what);
  return list === 'any' ? 'any' : `[ ${list.join(' ')} ]`;
};

function reference(v: unknown): string {
  if (typeof v !== 'string' || !REFERENCE.test(v)) throw new RenderError(`PAN-OS name: ${quoteValue(String(v))} is not valid here`);
  return v;
}

/** The notes both files carry, after their own apply steps. */
function sharedNotes(config: PanosConfig): string[] {
  const apps = [...new Set(config.rules.flatMap((r) => (r.applications === 'any' ? [] : r.applications)))].sort();
  const appWhy: Record<string, string> = {
    ssl: 'ssl (TLS the firewall does not decrypt)',
    'web-browsing': 'web-browsing (HTTPS it decrypts)',
    mqtt: 'mqtt (MQTT over TLS on 8883, if decrypted)',
    'aws-iot': "aws-iot (Applipedia's App-ID for AWS IoT, which may name the IoT endpoint's sessions)",
  };
  return [
    'FQDN objects match only when the firewall resolves the names with the same DNS servers as the devices. It refreshes each name when its TTL runs out, ' +
      'but not more often than the Minimum FQDN Refresh Time (Device > Setup > Services; 30 s unless set).',
    'An FQDN object keeps at most 32 IPv4 and 32 IPv6 addresses (PAN-OS 7.1 and later), and AWS names rotate through more than that. ' +
      "Palo Alto's load-balanced FQDN option (What's New, August 2025) keeps every address a name has returned, up to 100: this file does not set it, " +
      'since its CLI and XML names are not documented where we looked; tick it on the emaint FQDN objects where your PAN-OS release has it.',
    `The rules allow these App-IDs, not any application: ${apps.map((a) => appWhy[a] ?? a).join('; ')}. ` +
      'Their service stays the planned ports: application-default would drop 8883, which is no default port of ssl. ' +
      'If the Traffic log shows a session to these hosts denied under another App-ID, add that App-ID to its rule.',
  ];
}

function setNotes(config: PanosConfig, file: string): string[] {
  const dg = config.location.deviceGroup;
  return [
    dg === null
      ? `Paste the set and move commands in configure mode, then commit. The # lines are notes for people; to paste without them: grep -v '^#' ${file}`
      : `Paste the set and move commands in Panorama's configure mode, commit, then push to device group "${dg}" (Commit > Commit and Push). ` +
        `The # lines are notes for people; to paste without them: grep -v '^#' ${file}`,
    'Objects come before the rules that use them; "set ... static [ ... ]" adds to a group\'s members, so a long group is written over several lines.' +
      (dg === null ? ' On a multi-vsys firewall, first run "set system setting target-vsys <vsys>" in operational mode.' : ''),
    ...sharedNotes(config),
  ];
}

function xmlNotes(config: PanosConfig): string[] {
  const dg = config.location.deviceGroup;
  return [
    `The same configuration as ${BASENAME}.set, for the XML API of ${dg === null ? 'the firewall' : `Panorama (device group "${dg}", its pre-rules)`}. ` +
      'Send each <set> and <move> below, in order, as one request: type=config, action=set with its xpath and, as element, the XML inside the <set>; ' +
      'action=move with its xpath, where and dst. Then commit (type=commit, cmd=<commit></commit>)' +
      (dg === null ? '.' : ', and push to the device group (Commit > Commit and Push).') +
      ' The README, section PAN-OS, has a script that does it with curl.',
    ...(dg === null ? ["On a multi-vsys firewall, replace vsys1 in the xpaths with the rules' vsys."] : []),
    ...sharedNotes(config),
  ];
}

/** The XML form of a member list: `any` is a member too. */
const xmlMembers = (v: Members) => (v === 'any' ? ['any'] : v);

/** How to send the XML file to `where`: the firewall, or Panorama. */
const xmlApply = (where: string) => `send each <set> and <move> to the XML API of ${where} in order, then commit (see its comment)`;

const FILES = {
  set: { name: `${BASENAME}.set`, apply: 'paste the set and move commands in configure mode, then commit' },
  xml: { name: `${BASENAME}.panos.xml`, apply: xmlApply('the firewall') },
} as const satisfies Record<string, TargetFile>;

export const panos: Target = {
  id: 'panos',
  title: 'PAN-OS CLI set commands and XML API elements (firewall or Panorama)',
  usesAddresses: false,
  takesWildcards: true,
  options: OPTIONS,
  files: [FILES.set, FILES.xml],
  render(input, templates) {
    const config = panosConfig(input);
    const common = {
      name: identifier(PANOS_NAME, 'PAN-OS name'),
      fqdn: dnsName,
      cidr: identifier(/^[0-9a-f.:]+\/\d{1,3}$/, 'network'),
      url: identifier(URL_ENTRY, 'URL list entry'),
      port: portEscaper,
      where: identifier(/^(top|bottom|before)$/, 'PAN-OS rule position'),
    };
    const setEngine = createEngine('panos', templates, {
      ...common,
      comment: hashComment,
      quoted: panosQuoted,
      ref: (v: unknown) => cliName(reference(v)),
      members: cliMembers(PANOS_NAME, 'member'),
      apps: cliMembers(APP_ID, 'App-ID'),
      at: identifier(/^(device-group ([A-Za-z0-9._-]+|"[A-Za-z0-9 ._-]+") )?$/, 'PAN-OS device group'),
      rulebase: identifier(/^(rulebase|pre-rulebase)$/, 'PAN-OS rulebase'),
    });
    const xmlEngine = createEngine('panos', templates, {
      ...common,
      comment: xmlComment,
      xml: xmlText,
      ref: (v: unknown) => xmlText(reference(v)),
      member: identifier(/^(any|[A-Za-z0-9][A-Za-z0-9_-]{0,62})$/, 'PAN-OS member'),
      app: identifier(new RegExp(`^(any|${APP_ID.source.slice(1, -1)})$`), 'App-ID'),
      // Built from validated names only: no quote, ampersand or angle bracket to escape.
      xpath: identifier(/^\/config\/[A-Za-z0-9 ._\-/@='[\]]+$/, 'PAN-OS xpath'),
    });
    const header = headerLines(input);
    const { location } = config;
    const rules = `${location.xpath}/${location.rulebase}/security/rules`;
    const view = {
      ...config,
      header,
      at: location.cli,
      rulebase: location.rulebase,
      hasPolicySettings: config.logSetting !== null || config.profileGroup !== null,
    };
    const set = setEngine.render('set.hbs', { ...view, notes: noteLines(setNotes(config, FILES.set.name)) });
    const xml = xmlEngine.render('config.xml.hbs', {
      ...view,
      notes: noteLines(xmlNotes(config)),
      form: location.deviceGroup === null ? 'firewall' : 'panorama',
      xpaths: {
        address: `${location.xpath}/address`,
        addressGroup: `${location.xpath}/address-group`,
        service: `${location.xpath}/service`,
        category: `${location.xpath}/profiles/custom-url-category`,
        rules,
      },
      xmlRules: config.rules.map((r) => ({
        ...r,
        source: xmlMembers(config.source),
        destination: xmlMembers(r.destination),
        category: xmlMembers(r.category),
        applications: xmlMembers(r.applications),
      })),
      xmlMoves: config.moves.map((m) => ({ ...m, xpath: `${rules}/entry[@name='${m.name}']` })),
    });
    const where = location.deviceGroup === null ? 'the firewall' : 'Panorama';
    return {
      files: [
        {
          ...FILES.set,
          content: set,
          ...(location.deviceGroup === null ? {} : { apply: `paste in Panorama's configure mode, commit, then push to device group ${location.deviceGroup}` }),
        },
        { ...FILES.xml, content: xml, apply: xmlApply(where) },
      ],
      warnings: config.warnings,
    };
  },
};
