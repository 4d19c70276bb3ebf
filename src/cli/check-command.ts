// `check`: flags in; live progress on a terminal; a verdict table and the causes with
// their fixes, or JSON. Exit 0 when every flow gets out, 1 when any fails, 2 for bad input.
import type { Command } from 'commander';
import { prepareCheck } from '../commands/check.js';
import type { Catalogue } from '../core/catalogue.js';
import { STATUSES } from '../core/check/result.js';
import { schemeAssumed } from '../core/proxy-url.js';
import { redactSecrets } from '../core/text.js';
import { readPacFile } from '../io/pac-file.js';
import { systemResolver } from '../io/resolv-conf.js';
import { addAgentFlags } from './agent-list.js';
import { CONCURRENCY, type CheckFlags, PASSWORD_ENV, TIMEOUT_MS, parseCheckFlags, passwordInUrl } from './check-flags.js';
import { checkFlagsWithProfile } from './profile-flags.js';
import { LiveProgress } from './output/check-progress.js';
import { checkJson, checkText } from './output/check-text.js';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes.js';

export interface CheckContext {
  catalogue: Catalogue;
  program: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Terminal size when stdout is a terminal: live progress is drawn only there. */
  terminal: { columns: number; rows: number } | undefined;
  env: NodeJS.ProcessEnv;
  setExitCode(code: number): void;
}

export function addCheckCommand(cmd: Command, ctx: CheckContext): Command {
  cmd.description('check from this network that every flow the chosen agents need gets out: DNS, TCP, TLS, proxy');
  const agentFlags = addAgentFlags(cmd, ctx.catalogue, ctx.program);
  cmd
    .option('--dns-server <ip[:port]>', 'the site resolver to ask (default: first nameserver in /etc/resolv.conf)')
    .option('--proxy <url>', `go through this HTTP proxy: http://[user:password@]host:port (password also from $${PASSWORD_ENV})`)
    .option('--pac <file>', 'route each host as this PAC file says (DIRECT or PROXY host:port), as the devices would')
    .option('--timeout <ms>', `timeout of each phase (DNS, connect, TLS), ${TIMEOUT_MS.min} to ${TIMEOUT_MS.max} (default: ${TIMEOUT_MS.fallback})`)
    .option('--concurrency <n>', `flows checked at once, ${CONCURRENCY.min} to ${CONCURRENCY.max} (default: all)`)
    .option('--json', 'print JSON instead of the table')
    .addHelpText(
      'after',
      [
        '',
        `Statuses: ${STATUSES.join(', ')}.`,
        'Exit code: 0 when every flow is ok, 1 when any fails, 2 for bad input, 70 for an internal error.',
        '',
        'Examples:',
        `  ${ctx.program} check --agents cca,backup`,
        `  ${ctx.program} check --agents erds --proxy http://user@proxy.example.com:8080   (password from $${PASSWORD_ENV})`,
        `  ${ctx.program} check --agents all --pac proxy.pac --dns-server 10.0.0.53 --json`,
      ].join('\n'),
    )
    .action(async (opts: CheckFlags & Record<string, unknown>) => {
      const { agents, options, profile } = agentFlags(opts);
      const flags = parseCheckFlags(checkFlagsWithProfile(opts, profile), ctx.env);
      if (opts.proxy !== undefined && schemeAssumed(opts.proxy))
        ctx.stderr(`note: --proxy ${redactSecrets(opts.proxy)} read as http://${redactSecrets(opts.proxy)}\n`);
      if (opts.proxy !== undefined && passwordInUrl(opts.proxy)) {
        ctx.stderr(
          "warning: a password given in --proxy is visible to every user of this machine (ps) and in the shell's history; " +
            `give http://user@host:port and the password in $${PASSWORD_ENV}\n`,
        );
      }
      const dnsServer = flags.dnsServer === 'system' ? systemResolver() : flags.dnsServer;
      const pac = flags.pacFile === null ? null : { file: flags.pacFile, text: readPacFile(flags.pacFile) };
      const check = await prepareCheck(
        { agents, options, dnsServer, proxy: flags.proxy, pac, timeoutMs: flags.timeoutMs, concurrency: flags.concurrency },
        ctx.catalogue,
      );
      const terminal = opts.json ? undefined : ctx.terminal;
      const live = terminal ? new LiveProgress(check.flows, ctx.stdout, () => terminal) : null;
      const out = await check.run((event) => live?.update(event));
      live?.finish();
      ctx.stdout(opts.json ? checkJson(out) : checkText(out, terminal?.columns));
      ctx.setExitCode(out.summary.failed === 0 ? EXIT_OK : EXIT_FAILURE);
    });
  return cmd;
}
