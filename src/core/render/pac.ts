// PAC: FindProxyForURL that sends the eMaintenance hosts one way and the rest the other.
import { FieldError } from '../errors.js';
import { createEngine } from './engine.js';
import { jsComment, jsString } from './escape.js';
import { why } from './words.js';
import { BASENAME, type Target, headerLines } from './target.js';
import { pacRouteOption, proxyOption } from './options.js';

export const pac: Target = {
  id: 'pac',
  title: 'proxy auto-config file (.pac)',
  usesAddresses: false,
  takesWildcards: true,
  options: [proxyOption, pacRouteOption],
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
    const content = engine.render('pac.hbs', {
      header: headerLines(input, [`route: eMaintenance hosts ${matchRoute}, everything else ${otherRoute}`]),
      summary: `${rules.destinations.length} names (${rules.mode} mode) go ${matchRoute}; everything else goes ${otherRoute}.`,
      example: first?.domain ?? 'example.com',
      matchRoute,
      otherRoute,
      entries,
    });
    return {
      files: [
        {
          name: `${BASENAME}.pac`,
          content,
          apply: 'serve it to the devices and agent hosts (WPAD or the proxy settings), or test it: pactester -p emaint-egress.pac -u https://<host>/',
        },
      ],
      warnings: [],
    };
  },
};
