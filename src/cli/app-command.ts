// `emaint-egress` with no command: on a terminal, the interactive app; anywhere else,
// the flags are honoured (the plan is printed) or a one-line usage names the flag to pass.
import type { Command } from 'commander';
import type { Catalogue } from '../core/catalogue.js';
import { makePlan } from '../commands/plan.js';
import type { SiteAnswers } from '../core/profile.js';
import { addAgentFlags, agentsHint } from './agent-list.js';
import { PASSWORD_ENV } from './check-flags.js';
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
    const chosen = given ? await agentFlags(opts) : null;
    // Planning first also makes an option without its agent one line, before the app.
    const planned = chosen ? makePlan({ agents: chosen.agents, options: chosen.options, lan: false }, ctx.catalogue) : null;
    if (why !== null && planned) {
      // No one to ask: do what the flags say, as `plan` would.
      ctx.stdout(planText(planned, ctx.columns));
      return;
    }
    const answers: Partial<SiteAnswers> | null = chosen ? { ...(chosen.profile ?? {}), agents: chosen.agents, options: chosen.options } : null;
    // The app (ink, react) and its services (the checker, the renderer) load only here.
    const { startApp } = await import('../ui/start.js');
    const { appServices } = await import('./app-services.js');
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
