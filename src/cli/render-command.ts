// `render`: flags in, files out (stdout for one file, --out DIR for any number).
import { type Command, Option } from 'commander';
import type { Catalogue } from '../core/catalogue.js';
import { targets } from '../core/render/index.js';
import type { TargetOption } from '../core/render/options.js';
import { TARGETS } from '../core/render/target.js';
import { systemResolver } from '../io/resolv-conf.js';
import { writeFilesAtomically } from '../io/write-files.js';
import { addAgentFlags } from './agent-list.js';
import { renderFlagsWithProfile } from './profile-flags.js';
import { type RenderFlags, parseRenderFlags, targetOptions } from './render-flags.js';
import { UsageError } from './exit-codes.js';

export interface RenderContext {
  catalogue: Catalogue;
  program: string;
  toolVersion: string;
  stdout(text: string): void;
  stderr(text: string): void;
  now(): Date;
}

export function addRenderCommand(cmd: Command, ctx: RenderContext): Command {
  cmd.description('write firewall rules or a PAC file for the flows the chosen agents need');
  const agentFlags = addAgentFlags(cmd, ctx.catalogue, ctx.program);
  cmd
    .addOption(new Option('--target <target>', `what to write: ${TARGETS.join(', ')}`))
    .option('--out <dir>', 'write the files into this folder (created if missing) instead of stdout')
    .option('--force', 'replace files that already exist in --out')
    .option('--source <cidrs>', 'devices / agent hosts the rules apply to, IPv4 or IPv6, comma-separated (default: any)')
    .option('--mode <mode>', 'exact host names (least privilege) or the vendor wildcard domains: exact, wildcard (default: exact)')
    .option('--iot-port <port>', 'port(s) for the AWS IoT endpoint the document lists as "443 or 8883": 443, 8883, both (default: both)')
    .option('--site <name>', 'site name for comments and descriptions, e.g. "ACME Utrecht"');
  // Each target's own options, from its declarations.
  for (const o of targetOptions()) cmd.option(`--${o.name} <${o.declared[0]?.arg ?? 'value'}>`, optionHelp(o));
  const addresses = TARGETS.filter((t) => targets[t].usesAddresses).join('/');
  cmd
    .option('--resolve', `${addresses}: resolve the hosts now and fill the sets with their addresses`)
    .option('--dns-server <ip[:port]>', 'with --resolve: the resolver to ask (default: first nameserver in /etc/resolv.conf)')
    .addHelpText(
      'after',
      [
        '',
        'Targets:',
        ...TARGETS.map((t) => `  ${t.padEnd(9)} ${targets[t].title}`),
        '',
        'Examples:',
        `  ${ctx.program} render --agents cca,backup --target pfsense --source 10.20.0.0/24 > emaint.xml`,
        `  ${ctx.program} render --agents all --target iptables --hook FORWARD --resolve --out rules/`,
        `  ${ctx.program} render --agents cdca-v2-cca --target pac --proxy proxy.example.com:8080`,
      ].join('\n'),
    )
    .action(async (opts: RenderFlags & Record<string, unknown>) => {
      const { agents, options, profile } = await agentFlags(opts);
      const parsed = parseRenderFlags(renderFlagsWithProfile(opts, profile));
      let resolve = parsed.resolve;
      if (resolve === 'system') {
        resolve = systemResolver();
        if (resolve === null) throw new UsageError('--resolve: no nameserver in /etc/resolv.conf; pass --dns-server ip[:port]');
      }
      // The renderer (handlebars, the targets' templates) loads only when a command renders.
      const { renderWith } = await import('../commands/render.js');
      const out = await renderWith(ctx, {
        agents,
        options,
        endpoints: profile?.endpoints ?? [],
        target: parsed.target,
        mode: parsed.mode,
        iotPort: parsed.iotPort,
        site: parsed.site,
        resolve,
      });
      const [only] = out.files;
      if (opts.out === undefined) {
        if (out.files.length !== 1 || only === undefined) {
          throw new UsageError(`--target ${parsed.target} writes ${out.files.length} files (${out.files.map((f) => f.name).join(', ')}); pass --out DIR`);
        }
        if (opts.force) throw new UsageError('--force applies to --out; add --out DIR or drop --force');
        for (const w of out.warnings) ctx.stderr(`warning: ${w}\n`);
        ctx.stdout(only.content);
        return;
      }
      const paths = writeFilesAtomically(opts.out, out.files, opts.force === true, undefined, (n) => ctx.stderr(`${n.level}: ${n.text}\n`));
      for (const w of out.warnings) ctx.stderr(`warning: ${w}\n`);
      const lines = [`Wrote ${paths.length} file${paths.length === 1 ? '' : 's'} to ${opts.out}:`];
      for (const [i, f] of out.files.entries()) lines.push(`  ${paths[i]}`, `      ${f.apply}`);
      ctx.stdout(`${lines.join('\n')}\n`);
    });
  return cmd;
}

/** `pfsense: ... (default: lan)`, or per target where the targets word it differently. */
function optionHelp(o: ReturnType<typeof targetOptions>[number]): string {
  const fallback = (d: TargetOption) => (d.fallback === null ? '' : ` (default: ${d.fallback})`);
  const [first] = o.declared;
  if (first && o.declared.every((d) => d.help === first.help && d.fallback === first.fallback))
    return `${o.targets.join('/')}: ${first.help}${fallback(first)}`;
  return o.declared.map((d, i) => `${o.targets[i]}: ${d.help}${fallback(d)}`).join('; ');
}
