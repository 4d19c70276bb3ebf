// The app's services: the same commands and files as `check` and `render` (loaded with the app).
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { prepareCheck } from '../commands/check.js';
import { renderWith } from '../commands/render.js';
import { InputError } from '../core/errors.js';
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
import type { AppContext } from './app-command.js';
import { PASSWORD_ENV, TIMEOUT_MS } from './check-flags.js';

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
