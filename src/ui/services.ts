// What the app asks of the rest of the tool. The CLI hands these in (src/cli/app-command.ts),
// built on the same commands `check` and `render` use; tests hand in their own folders and
// resolvers. Only core types cross this line: the views never reach the network or disk.
import type { Catalogue } from '../core/catalogue.js';
import type { CheckOutput } from '../core/check/output.js';
import type { ProgressEvent } from '../core/check/progress.js';
import type { HttpProxy } from '../core/proxy-url.js';
import type { SiteAnswers } from '../core/profile.js';
import type { RenderOutput, TargetId } from '../core/render/target.js';
import type { DnsServer } from '../core/site.js';
import type { SiteEndpoint } from '../core/site-endpoints.js';
import type { Flow } from '../core/planner.js';

export interface AppCheckRequest {
  agents: readonly string[];
  options: readonly string[];
  endpoints: readonly SiteEndpoint[];
  /** null: the first nameserver of /etc/resolv.conf (see defaultResolver). */
  dnsServer: DnsServer | null;
  proxy: HttpProxy | null;
}

/** A finished check, as the app saves it (the same JSON as `check --save`). */
export interface AppRun {
  output: CheckOutput;
  /** The plan's flows, in the order the check ran them. */
  flows: readonly Flow[];
  answers: SiteAnswers;
  /** The profile the app was started with, or null. */
  profilePath: string | null;
  proxy: HttpProxy | null;
  startedAt: Date;
  seconds: number;
}

export interface AppServices {
  catalogue: Catalogue;
  /** The resolver a check asks when the site names none; null: the platform's. */
  defaultResolver: DnsServer | null;
  /** $EMAINT_PROXY_PASSWORD, for a proxy user without a password. */
  envPassword: string | undefined;
  /** Milliseconds per check phase. */
  timeoutMs: number;
  runCheck(request: AppCheckRequest, progress: (event: ProgressEvent) => void): Promise<CheckOutput>;
  render(answers: SiteAnswers, target: TargetId): Promise<RenderOutput>;
  /** The paths of these file names that already exist in the folder. */
  existing(dir: string, names: readonly string[]): string[];
  /** Writes all files or none; returns their paths and what the user should know about the
   *  folder (what an interrupted earlier write left there). */
  writeFiles(dir: string, files: readonly { name: string; content: string }[]): { paths: string[]; notes: string[] };
  profileExists(path: string): boolean;
  saveProfile(path: string, answers: SiteAnswers): string;
  /** The clock (SOURCE_DATE_EPOCH when set): when a check started. */
  now(): Date;
  /** What is at a path: nothing, an earlier saved run (replaced once confirmed), or another file (never replaced). */
  runFileState(path: string): 'none' | 'run' | 'other';
  /** Saves a run; returns its path. */
  saveRun(path: string, run: AppRun): string;
}
