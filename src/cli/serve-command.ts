// `serve`: flags in, the profiles loaded and checked before anything listens (a bad
// profile or PAC file is one line and exit code 2), then the exporter until SIGTERM or
// SIGINT, which stop it cleanly: no new connections, answers and probes under way finish.
import type { Command } from 'commander';
import type { Catalogue } from '../core/catalogue.js';
import { SERIAL_PHASES } from '../core/check/deadline.js';
import { PASSWORD_ENV, TIMEOUT_MS } from './check-flags.js';
import { DEFAULT_LISTEN, type ServeFlags, TIMEOUT_OFFSET_MS } from './serve-flags.js';

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
    // The exporter's modules (the checker, prom-client, the profile validator) load only here.
    .action(async (opts: ServeFlags) => (await import('./serve-action.js')).serve(opts, ctx));
  return cmd;
}
