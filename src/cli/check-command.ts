// `check`: flags in; live progress on a terminal; a verdict table and the causes with
// their fixes, or JSON, a Nagios plugin's status line, a JUnit report. Exit 0 when every
// flow gets out, 1 when any fails, 2 for bad input (Nagios: 0 to 3, by its thresholds).
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Command } from 'commander';
import type { Catalogue } from '../core/catalogue.js';
import { STATUSES } from '../core/check/result.js';
import { schemeAssumed } from '../core/proxy-url.js';
import { escapeUnsafe, redactSecrets } from '../core/text.js';
import { readPacFile } from '../io/pac-file.js';
import { systemResolver } from '../io/resolv-conf.js';
import { addAgentFlags } from './agent-list.js';
import { CHECK_FORMATS } from './check-format.js';
import { CONCURRENCY, CRITICAL_DEFAULT, type CheckFlags, PASSWORD_ENV, TIMEOUT_MS, parseCheckFlags, passwordInUrl } from './check-flags.js';
import { checkFlagsWithProfile } from './profile-flags.js';
import { LiveProgress } from './output/check-progress.js';
import { checkJunit } from './output/check-junit.js';
import { checkNagios } from './output/check-nagios.js';
import { checkJson, checkText } from './output/check-text.js';
import { EXIT_FAILURE, EXIT_OK, NAGIOS_EXIT } from './exit-codes.js';

export interface CheckContext {
  catalogue: Catalogue;
  /** The --catalogue file, or null for the shipped one (a saved run names it). */
  catalogueFile: string | null;
  program: string;
  toolVersion: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Terminal size when stdout is a terminal: live progress is drawn only there. */
  terminal: { columns: number; rows: number } | undefined;
  env: NodeJS.ProcessEnv;
  setExitCode(code: number): void;
  /** The clock (SOURCE_DATE_EPOCH when set): the JUnit report's timestamp. */
  now(): Date;
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
    .option('--format <format>', `output: ${CHECK_FORMATS.join(', ')} (default: text)`)
    .option('--json', 'print JSON instead of the table (= --format json)')
    .option('--warning <range>', 'nagios: WARNING when the failed flows are outside this range, e.g. 0 (default: none)')
    .option('--critical <range>', `nagios: CRITICAL when the failed flows are outside this range, e.g. 5 (default: ${CRITICAL_DEFAULT}, any failed flow)`)
    .option('--save <file>', 'also save the run as JSON (for diff and the report); replaces an earlier run, never another file')
    .addHelpText(
      'after',
      [
        '',
        `Statuses: ${STATUSES.join(', ')}.`,
        'Exit code: 0 when every flow is ok, 1 when any fails, 2 for bad input, 70 for an internal error.',
        '',
        'Formats: text (a table, causes and fixes), json, nagios (a monitoring plugin: one status line',
        'with perfdata, then each failing flow and fix), junit (one test case per flow, for CI).',
        "With --format nagios the exit code is the plugin's: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN",
        '(bad input, an internal error, --help, or flows this machine could not try), and every',
        'message is on stdout. Ranges as the Monitoring Plugins define them: 5 (outside 0..5),',
        '2: (below 2), ~:3 (above 3), @1:4 (inside 1..4).',
        '',
        'Examples:',
        `  ${ctx.program} check --agents cca,backup`,
        `  ${ctx.program} check --agents erds --proxy http://user@proxy.example.com:8080   (password from $${PASSWORD_ENV})`,
        `  ${ctx.program} check --agents all --pac proxy.pac --dns-server 10.0.0.53 --json`,
        `  ${ctx.program} check --agents all --format nagios --warning 0 --critical 3`,
        `  ${ctx.program} check --agents cca,erds --format junit > egress-junit.xml`,
        `  ${ctx.program} check --profile site.json --save runs/2026-11-21.json`,
      ].join('\n'),
    )
    .action(async (opts: CheckFlags & Record<string, unknown>) => {
      const { agents, options, profile } = await agentFlags(opts);
      const flags = parseCheckFlags(checkFlagsWithProfile(opts, profile), ctx.env);
      // A monitoring plugin speaks on stdout only: its notes go into the long output.
      const notes: string[] = [];
      const note = flags.format === 'nagios' ? (s: string) => notes.push(s) : ctx.stderr;
      if (opts.proxy !== undefined && schemeAssumed(opts.proxy))
        note(`note: --proxy ${redactSecrets(opts.proxy)} read as http://${redactSecrets(opts.proxy)}\n`);
      if (opts.proxy !== undefined && passwordInUrl(opts.proxy)) {
        note(
          "warning: a password given in --proxy is visible to every user of this machine (ps) and in the shell's history; " +
            `give http://user@host:port and the password in $${PASSWORD_ENV}\n`,
        );
      }
      const dnsServer = flags.dnsServer === 'system' ? systemResolver() : flags.dnsServer;
      const pac = flags.pacFile === null ? null : { file: flags.pacFile, text: readPacFile(flags.pacFile) };
      // A file in the way is refused before any traffic, not after the check. The run writer
      // and its validator (zod) load only with --save.
      const save = flags.save === null ? null : { path: flags.save, file: await import('../io/run-file.js') };
      save?.file.assertRunPath(save.path, '--save');
      const endpoints = profile?.endpoints ?? [];
      // The checker (sockets, TLS, the DNS stub) loads only when a check runs.
      const { prepareCheck } = await import('../commands/check.js');
      const check = await prepareCheck(
        {
          agents,
          options,
          endpoints,
          dnsServer,
          proxy: flags.proxy,
          pac,
          timeoutMs: flags.timeoutMs,
          concurrency: flags.concurrency,
        },
        ctx.catalogue,
      );
      const terminal = flags.format === 'text' ? ctx.terminal : undefined;
      const live = terminal ? new LiveProgress(check.flows, ctx.stdout, () => terminal) : null;
      const started = ctx.now();
      const t0 = performance.now();
      const out = await check.run((event) => live?.update(event));
      const seconds = (performance.now() - t0) / 1000;
      live?.finish();
      if (save !== null) {
        // Saved before anything is printed: a file that cannot be written is one error line, exit 2.
        const { savedRun } = await import('../core/saved-run.js');
        const run = savedRun({
          tool: { name: ctx.program, version: ctx.toolVersion },
          catalogue: ctx.catalogue,
          catalogueFile: ctx.catalogueFile,
          output: out,
          flows: check.flows,
          endpoints,
          startedAt: started,
          seconds,
          checkedFrom: hostname(),
          profile: profile === null ? null : { path: typeof opts['profile'] === 'string' ? opts['profile'] : null, answers: profile },
          proxy: flags.proxy,
          pac: pac === null ? null : { file: pac.file, sha256: createHash('sha256').update(pac.text).digest('hex') },
        });
        const path = save.file.writeRun(save.path, run, '--save');
        note(`note: run saved to ${escapeUnsafe(path)}\n`);
      }
      if (flags.format === 'nagios') {
        const report = checkNagios(out, { warning: flags.warning, critical: flags.critical, seconds, notes });
        ctx.stdout(report.text);
        ctx.setExitCode(NAGIOS_EXIT[report.state]);
        return;
      }
      if (flags.format === 'junit') ctx.stdout(checkJunit(out, { seconds, started, hostname: hostname() }));
      else ctx.stdout(flags.format === 'json' ? checkJson(out) : checkText(out, terminal?.columns));
      ctx.setExitCode(out.summary.failed === 0 ? EXIT_OK : EXIT_FAILURE);
    });
  return cmd;
}
