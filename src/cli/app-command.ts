// `emaint-egress` with no command: on a terminal, the interactive app; anywhere else,
// the flags are honoured (the plan is printed) or a one-line usage names the flag to pass.
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { prepareCheck } from '../commands/check.js';
import { renderWith } from '../commands/render.js';
import type { Catalogue } from '../core/catalogue.js';
import { InputError } from '../core/errors.js';
import { makePlan } from '../commands/plan.js';
import type { SiteAnswers } from '../core/profile.js';
import { parseProxyUrl } from '../core/proxy-url.js';
import { targets } from '../core/render/index.js';
import { siteFor } from '../core/render/options.js';
import type { DnsServer } from '../core/site.js';
import { systemResolver } from '../io/resolv-conf.js';
import { writeProfile } from '../io/profile-file.js';
import { runFileState, writeRun } from '../io/run-file.js';
import { savedRun } from '../core/saved-run.js';
import { writeFilesAtomically } from '../io/write-files.js';
import type { AppServices } from '../ui/services.js';
import { addAgentFlags, agentsHint } from './agent-list.js';
import { PASSWORD_ENV, TIMEOUT_MS } from './check-flags.js';
import { planText } from './output/plan-text.js';
import { EXIT_CANCELLED, EXIT_OK, UsageError } from './exit-codes.js';

export interface AppContext {
  catalogue: Catalogue;
  /** The --catalogue file, or null for the shipped one (a saved run names it). */
  catalogueFile?: string | null;
  program: string;
  toolVersion: string;
  stdout(text: string): void;
  columns: number | undefined;
  /** Whether stdin and stdout are terminals. */
  terminal: { stdin: boolean; stdout: boolean };
  env: NodeJS.ProcessEnv;
  now(): Date;
  setExitCode(code: number): void;
}

/** Why the app cannot start here, or null when it can. CI is recognised as ink recognises
 *  it (is-in-ci), since ink then draws only the last frame: CI (unless "0" or "false"),
 *  CONTINUOUS_INTEGRATION or any CI_* variable. */
export function whyNoApp(terminal: AppContext['terminal'], env: NodeJS.ProcessEnv): string | null {
  if (!terminal.stdin) return 'stdin is not a terminal';
  if (!terminal.stdout) return 'stdout is not a terminal';
  if (env['CI'] === '0' || env['CI'] === 'false') return null;
  const ci = ['CI', 'CONTINUOUS_INTEGRATION'].find((k) => k in env) ?? Object.keys(env).find((k) => k.startsWith('CI_'));
  return ci === undefined ? null : `${ci} is set`;
}

export function addAppAction(program: Command, ctx: AppContext): void {
  const agentFlags = addAgentFlags(program, ctx.catalogue, ctx.program);
  program.action(async (opts: Record<string, unknown>) => {
    // Commander's own unknown-command error, with its "did you mean" (the program has an
    // action, so commander hands unknown words to it instead of reporting them).
    if (program.args.length > 0) (program as unknown as { unknownCommand(): never }).unknownCommand();
    const why = whyNoApp(ctx.terminal, ctx.env);
    const given = opts['agents'] !== undefined || opts['profile'] !== undefined;
    if (why !== null && !given) {
      throw new UsageError(
        `the app needs a terminal (${why}); pass --agents <ids> or --profile FILE to print the plan, ` +
          `or run a command: ${program.commands.map((c) => c.name()).join(', ')}; ${agentsHint(ctx.catalogue)}`,
      );
    }
    const chosen = given ? agentFlags(opts) : null;
    // Planning first also makes an option without its agent one line, before the app.
    const planned = chosen ? makePlan({ agents: chosen.agents, options: chosen.options, lan: false }, ctx.catalogue) : null;
    if (why !== null && planned) {
      // No one to ask: do what the flags say, as `plan` would.
      ctx.stdout(planText(planned, ctx.columns));
      return;
    }
    const answers: Partial<SiteAnswers> | null = chosen ? { ...(chosen.profile ?? {}), agents: chosen.agents, options: chosen.options } : null;
    const { startApp } = await import('../ui/start.js');
    const outcome = await startApp({
      services: appServices(ctx),
      start: {
        catalogue: ctx.catalogue,
        answers,
        loadedProfile: typeof opts['profile'] === 'string' ? opts['profile'] : null,
        envPassword: ctx.env[PASSWORD_ENV],
      },
      version: ctx.toolVersion,
      env: ctx.env,
    });
    ctx.setExitCode(outcome === 'cancelled' ? EXIT_CANCELLED : EXIT_OK);
  });
}

/** The app's services, on the same commands and files as `check` and `render`. */
export function appServices(
  ctx: Pick<AppContext, 'catalogue' | 'catalogueFile' | 'program' | 'toolVersion' | 'env' | 'now'>,
  { timeoutMs = TIMEOUT_MS.fallback, defaultResolver = systemResolver() }: { timeoutMs?: number; defaultResolver?: DnsServer | null } = {},
): AppServices {
  return {
    catalogue: ctx.catalogue,
    defaultResolver,
    envPassword: ctx.env[PASSWORD_ENV],
    timeoutMs,
    async runCheck(req, progress) {
      const check = await prepareCheck(
        {
          agents: req.agents,
          options: req.options,
          endpoints: req.endpoints,
          dnsServer: req.dnsServer ?? defaultResolver,
          proxy: req.proxy,
          pac: null,
          timeoutMs,
          concurrency: null,
        },
        ctx.catalogue,
      );
      return check.run(progress);
    },
    render(answers, target) {
      // The answers as they are, through the target's own declarations (no flag strings):
      // the same Site `render --profile FILE --target T` builds, so the same files.
      const given: Record<string, string> = { ...(answers.settings[target] ?? {}) };
      if (target === 'pac' && answers.proxy === null && given['proxy'] === undefined) {
        throw new InputError(
          'the pac target routes through the site\u2019s proxy: give one in the site details (esc to go back) or as its Proxy setting, or drop pac',
        );
      }
      if (target === 'pac' && answers.proxy !== null && given['proxy'] === undefined) given['proxy'] = `http://${parseProxyUrl(answers.proxy, 'Proxy').text}`;
      const site = siteFor(targets[target], { sources: answers.sources, label: answers.site }, given, (o) => o.label);
      return renderWith(ctx, {
        agents: answers.agents,
        options: answers.options,
        endpoints: answers.endpoints,
        target,
        mode: answers.mode,
        iotPort: answers.iotPort,
        site,
        resolve: null,
      });
    },
    existing: (dir, names) => names.map((n) => join(dir, n)).filter((p) => existsSync(p)),
    writeFiles(dir, files) {
      const notes: string[] = [];
      const paths = writeFilesAtomically(dir, files, true, `folder ${dir}`, (n) => notes.push(n.text));
      return { paths, notes };
    },
    profileExists: (path) => existsSync(path),
    saveProfile: (path, answers) => writeProfile(path, answers),
    now: () => ctx.now(),
    runFileState: (path) => runFileState(path),
    saveRun(path, run) {
      // The same document `check --save` writes for the same check.
      const saved = savedRun({
        tool: { name: ctx.program, version: ctx.toolVersion },
        catalogue: ctx.catalogue,
        catalogueFile: ctx.catalogueFile ?? null,
        output: run.output,
        flows: run.flows,
        endpoints: run.answers.endpoints,
        startedAt: run.startedAt,
        seconds: run.seconds,
        checkedFrom: hostname(),
        profile: { path: run.profilePath, answers: run.answers },
        proxy: run.proxy,
        pac: null,
      });
      return writeRun(path, saved, 'run file');
    },
  };
}
