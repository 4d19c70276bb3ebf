// `serve`'s action: the profiles loaded and checked before anything listens, then the
// exporter until SIGTERM or SIGINT. Imported by serve-command.ts only when serve runs.
import { prepareCheck } from '../commands/check.js';
import { type ServeProfile, checkRunner, startExporter } from '../commands/serve/index.js';
import { logLine } from '../commands/serve/log.js';
import { SERIAL_PHASES } from '../core/check/deadline.js';
import { escapeUnsafe } from '../core/text.js';
import { readPacFile } from '../io/pac-file.js';
import { type ProfileEntry, profileName, profilesIn } from '../io/profile-dir.js';
import { readProfile } from '../io/profile-file.js';
import { systemResolver } from '../io/resolv-conf.js';
import { PASSWORD_ENV, TIMEOUT_MS, parseCheckFlags } from './check-flags.js';
import { checkFlagsWithProfile } from './profile-flags.js';
import type { ServeContext } from './serve-command.js';
import { DEFAULT_LISTEN, type ServeFlags, TIMEOUT_OFFSET_MS, millis, parseListen, phaseCap } from './serve-flags.js';
import { EXIT_OK, UsageError } from './exit-codes.js';

export async function serve(opts: ServeFlags, ctx: ServeContext): Promise<void> {
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
    const request = { agents: answers.agents, options: answers.options, endpoints: answers.endpoints, dnsServer, proxy: flags.proxy, pac, concurrency: null };
    if (pac) await (await prepareCheck({ ...request, timeoutMs: maxPhaseMs }, ctx.catalogue)).close();
    out.push({ name: entry.name, route: pac ? 'pac' : flags.proxy ? 'proxy' : 'direct', run: checkRunner(request, ctx.catalogue) });
  }
  return out;
}
