// PAC: FindProxyForURL that sends the eMaintenance hosts one way and the rest the other.
import { FieldError } from '../errors.js';
import { createEngine } from './engine.js';
import { jsComment, jsString } from './escape.js';
import { noteLines } from './lines.js';
import { why } from './words.js';
import { BASENAME, type Target, type TargetFile, headerLines } from './target.js';
import { pacRouteOption, proxyOption } from './options.js';

/** PAC steers only HTTP(S) clients: the MQTT port needs its own way out. */
const MQTT_NOTE = (hosts: readonly string[]) =>
  `A PAC file steers only HTTP(S) clients: the devices' MQTT on tcp/8883 to ${hosts.join(', ')} needs a firewall rule, ` +
  'or a proxy that allows CONNECT to port 8883 (Squid refuses CONNECT to ports outside SSL_ports by default).';

const FILE: TargetFile = {
  name: `${BASENAME}.pac`,
  apply: 'serve it to the devices and agent hosts (WPAD or the proxy settings), or test it: pactester -p emaint-egress.pac -u https://<host>/',
};

export const pac: Target = {
  id: 'pac',
  title: 'proxy auto-config file (.pac)',
  usesAddresses: false,
  takesWildcards: true,
  options: [proxyOption, pacRouteOption],
  files: [FILE],
  render(input, templates) {
    const { rules, site } = input;
    if (site.proxy === null) throw new FieldError('proxy', 'is needed for pac: the proxy the PAC file names');
    const proxy = `PROXY ${site.proxy.text}`;
    const [matchRoute, otherRoute] = site.pacRoute === 'proxy' ? [proxy, 'DIRECT'] : ['DIRECT', proxy];
    const engine = createEngine('pac', templates, { comment: jsComment, js: jsString });
    const entries = rules.destinations.map((d) => ({
      wildcard: d.kind === 'wildcard',
      suffix: `.${d.domain}`,
      host: d.name,
      why: why(d),
    }));
    const first = rules.destinations.find((d) => d.kind === 'host') ?? rules.destinations[0];
    const mqtt = [...new Set(input.exact.rules.filter((r) => r.port === 8883).map((r) => r.name))];
    const content = engine.render('pac.hbs', {
      header: headerLines(input, [`route: eMaintenance hosts ${matchRoute}, everything else ${otherRoute}`]),
      summary: `${rules.destinations.length} names (${rules.mode} mode) go ${matchRoute}; everything else goes ${otherRoute}.`,
      example: first?.domain ?? 'example.com',
      matchRoute,
      otherRoute,
      notes: noteLines(mqtt.length === 0 ? [] : [MQTT_NOTE(mqtt)], 84),
      entries,
    });
    return {
      files: [{ ...FILE, content }],
      warnings: [],
    };
  },
};
