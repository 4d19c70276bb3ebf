// `serve`: flags in, the profiles loaded and checked before anything listens (a bad
// profile or PAC file is one line and exit code 2), then the exporter until SIGTERM or
// SIGINT, which stop it cleanly: no new connections, answers and probes under way finish.
import type { Command } from 'commander';
import { prepareCheck } from '../commands/check.js';
import { type ServeProfile, checkRunner, startExporter } from '../commands/serve/index.js';
import { logLine } from '../commands/serve/log.js';
import type { Catalogue } from '../core/catalogue.js';
import { SERIAL_PHASES } from '../core/check/deadline.js';
import { escapeUnsafe } from '../core/text.js';
import { readPacFile } from '../io/pac-file.js';
import { type ProfileEntry, profileName, profilesIn } from '../io/profile-dir.js';
import { readProfile } from '../io/profile-file.js';
import { systemResolver } from '../io/resolv-conf.js';
import { PASSWORD_ENV, TIMEOUT_MS, parseCheckFlags } from './check-flags.js';
import { checkFlagsWithProfile } from './profile-flags.js';
import { DEFAULT_LISTEN, type ServeFlags, TIMEOUT_OFFSET_MS, millis, parseListen, phaseCap } from './serve-flags.js';
import { EXIT_OK, UsageError } from './exit-codes.js';

export interface ServeContext {
  catalogue: Catalogue;
  program: string;
  toolVersion: string;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Calls `handler` on SIGTERM or SIGINT; returns the unsubscribe. */
  onStop(handler: () => void): () => void;
  setExitCode(code: number): void;
}

export function addServeCommand(cmd: Command, ctx: ServeContext): Command {
  cmd
    .description("run a Prometheus exporter: /probe?profile=NAME checks that site profile's flows on each scrape; /metrics has the exporter's own")
    .option('--profile <file>', 'serve this site profile, as /probe?profile=<file name without .json>')
    .option('--profiles <dir>', 'serve every NAME.json in this folder (NAME.pac beside one is its PAC file)')
    .option('--pac <file>', 'with --profile: route each host as this PAC file says, as the devices would')
    .option('--listen <ip:port>', `where to listen (default: ${DEFAULT_LISTEN}, loopback only)`)
    .option('--timeout <ms>', `the longest timeout of any phase, ${TIMEOUT_MS.min} to ${TIMEOUT_MS.max} (default: ${TIMEOUT_MS.fallback})`)
    .option(
      '--timeout-offset <ms>',
      `kept back from the scrape's deadline (X-Prometheus-Scrape-Timeout-Seconds) for the answer (default: ${TIMEOUT_OFFSET_MS.fallback})`,
    )
    .addHelpText(
      'after',
      [
        '',
        "Each phase's timeout is the scrape timeout less the offset, divided by the phases a flow can chain",
        `(${SERIAL_PHASES.direct} direct, ${SERIAL_PHASES.proxy} through a proxy, ${SERIAL_PHASES.pac} with a PAC file), at most --timeout.`,
        'One probe per profile at a time: a scrape during a probe waits for it and shares its result; if its',
        'deadline comes first, it gets the last finished result (emaint_egress_probe_finished_timestamp_seconds).',
        `The proxy password comes from $${PASSWORD_ENV}, never from the profile. Logs: one logfmt line per probe, on stderr.`,
        'Exit code: 0 after SIGTERM or SIGINT, 2 for bad input (before anything listens), 70 for an internal error.',
        '',
        'Examples:',
        `  ${ctx.program} serve --profile acme-utrecht.json`,
        `  ${ctx.program} serve --profiles /etc/emaint-egress/sites --listen 10.20.0.5:9798`,
      ].join('\n'),
    )
    .action(async (opts: ServeFlags) => {
      const listen = parseListen(opts.listen ?? DEFAULT_LISTEN);
      const maxPhaseMs = phaseCap(opts.timeout);
      const offsetMs = millis(opts.timeoutOffset, '--timeout-offset', TIMEOUT_OFFSET_MS);
      const profiles = await loadProfiles(entries(opts), ctx, maxPhaseMs);
      if (!listen.loopback) {
        ctx.stderr(
          `warning: listening on ${escapeUnsafe(opts.listen ?? '')}, beyond loopback: whoever reaches it can make this machine probe; ` +
            'allow only the Prometheus servers to it\n',
        );
      }
      const exporter = await listening(opts.listen ?? DEFAULT_LISTEN, () =>
        startExporter({
          host: listen.host,
          port: listen.port,
          profiles,
          policy: { offsetMs, maxPhaseMs, minPhaseMs: TIMEOUT_MS.min },
          version: ctx.toolVersion,
          catalogueVersion: ctx.catalogue.version,
          log: (line) => ctx.stderr(`${line}\n`),
        }),
      );
      await new Promise<void>((resolve) => {
        const off = ctx.onStop(() => {
          off();
          resolve();
        });
      });
      ctx.stderr(`${logLine(new Date(), 'info', 'stopping: no new connections; answers and probes under way finish', {})}\n`);
      // Every phase has its timeout, so the probes under way end within this.
      const clean = await exporter.close(SERIAL_PHASES.pac * maxPhaseMs + 5000);
      ctx.stderr(`${logLine(new Date(), 'info', clean ? 'stopped' : 'stopped; connections still open were closed', {})}\n`);
      ctx.setExitCode(EXIT_OK);
    });
  return cmd;
}

/** A listen that fails (the port taken, a privileged port, an address not on this machine) is the --listen value's problem. */
async function listening<T>(text: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why: Record<string, string> = {
      EADDRINUSE: 'the port is taken',
      EACCES: 'not allowed (a port below 1024 needs privileges)',
      EADDRNOTAVAIL: 'the address is not on this machine',
    };
    if (code !== undefined && why[code]) throw new UsageError(`--listen ${escapeUnsafe(text)}: cannot listen: ${why[code]} (${code})`);
    throw err;
  }
}

function entries(opts: ServeFlags): ProfileEntry[] {
  if (opts.profile !== undefined && opts.profiles !== undefined) throw new UsageError('give --profile FILE or --profiles DIR, not both');
  if (opts.profiles !== undefined) {
    if (opts.pac !== undefined) throw new UsageError('--pac goes with --profile; with --profiles, put NAME.pac beside NAME.json');
    return profilesIn(opts.profiles);
  }
  if (opts.profile === undefined) throw new UsageError('missing --profile FILE or --profiles DIR: the site profiles to probe');
  return [{ name: profileName(opts.profile, '--profile'), path: opts.profile, pacPath: opts.pac ?? null }];
}

/** Reads every profile and its PAC file, and loads each PAC file once: all bad input shows before anything listens. */
async function loadProfiles(list: readonly ProfileEntry[], ctx: ServeContext, maxPhaseMs: number): Promise<ServeProfile[]> {
  const out: ServeProfile[] = [];
  for (const entry of list) {
    const answers = readProfile(entry.path, ctx.catalogue);
    const flags = parseCheckFlags(checkFlagsWithProfile({}, answers), ctx.env);
    if (flags.proxy?.auth && flags.proxy.auth.password === '') {
      ctx.stderr(
        `warning: profile ${entry.name}: the proxy names user ${escapeUnsafe(flags.proxy.auth.user)} and $${PASSWORD_ENV} is not set: no password is sent\n`,
      );
    }
    const dnsServer = flags.dnsServer === 'system' ? systemResolver() : flags.dnsServer;
    const pac = entry.pacPath === null ? null : { file: entry.pacPath, text: readPacFile(entry.pacPath) };
    const request = { agents: answers.agents, options: answers.options, dnsServer, proxy: flags.proxy, pac, concurrency: null };
    if (pac) await (await prepareCheck({ ...request, timeoutMs: maxPhaseMs }, ctx.catalogue)).close();
    out.push({ name: entry.name, route: pac ? 'pac' : flags.proxy ? 'proxy' : 'direct', run: checkRunner(request, ctx.catalogue) });
  }
  return out;
}
