// Flags and output: parses argv with commander, calls the commands, prints results.
// Every user error becomes one line on stderr and exit code 2, with nothing on stdout;
// under `check --format nagios`, one UNKNOWN line on stdout and exit code 3.
import { Command, CommanderError } from 'commander';
import { listAgents } from '../commands/agents.js';
import { makePlan } from '../commands/plan.js';
import type { Catalogue } from '../core/catalogue.js';
import { CatalogueError, FieldError, InputError } from '../core/errors.js';
import { escapeUnsafe, oneLine, quoteValue, redactSecrets } from '../core/text.js';
import { readCatalogue } from '../io/shipped-catalogue.js';
import { shippedText } from '../io/shipped.js';
import { addAgentFlags, agentsHint } from './agent-list.js';
import { catalogueRequested, loadRequestedCatalogue } from './catalogue-flag.js';
import { agentsJson, agentsText } from './output/agents-text.js';
import { planJson, planText } from './output/plan-text.js';
import { addAppAction } from './app-command.js';
import { addCheckCommand } from './check-command.js';
import { addDiffCommand } from './diff-command.js';
import { addRenderCommand } from './render-command.js';
import { addServeCommand } from './serve-command.js';
import { addReportCommand } from './report-command.js';
import { flagOfField } from './render-flags.js';
import { nagiosRequested } from './check-format.js';
import { NAGIOS_SERVICE } from './output/check-nagios.js';
import { EXIT_OK, EXIT_SOFTWARE, EXIT_USAGE, NAGIOS_EXIT, UsageError } from './exit-codes.js';

export const PROGRAM = 'emaint-egress';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The terminal's width when stdout is a terminal; text output fits it. */
  columns?: number | undefined;
  /** The terminal's height when stdout is a terminal (live progress). */
  rows?: number | undefined;
  /** The environment (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Whether stdin and stdout are terminals: the app starts only when both are (default: neither). */
  terminal?: { stdin: boolean; stdout: boolean };
  /** Calls the handler on a request to stop (`serve`); default: SIGTERM and SIGINT. */
  onStop?: (handler: () => void) => () => void;
}

/** SIGTERM (systemd, docker stop, kill) and SIGINT (Ctrl-C) ask a long-running command to stop. */
function processSignals(handler: () => void): () => void {
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}

export function toolVersion(): string {
  const pkg = JSON.parse(shippedText('package.json')) as { version: string };
  return pkg.version;
}

export interface RunOptions {
  /** Another catalogue file (tests); default: the shipped data/catalogue.json. */
  cataloguePath?: string;
  /** The clock (tests); default: SOURCE_DATE_EPOCH when set, else the real time. */
  now?: () => Date;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function run(argv: readonly string[], io: Io, options: RunOptions = {}): Promise<number> {
  // Commander's own error text is replaced by ours; remember which command failed.
  let failed: Command | undefined;
  let agentsValid = '';
  try {
    const requested = catalogueRequested(argv);
    const catalogue = requested === null ? await readCatalogue(options.cataloguePath) : await loadRequestedCatalogue(requested);
    agentsValid = agentsHint(catalogue);
    const now = options.now ?? clock();
    let code = EXIT_OK;
    const program = buildProgram(
      { catalogue, catalogueFile: requested },
      io,
      now,
      (cmd) => (failed = cmd),
      (c) => (code = c),
    );
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (!nagiosRequested(argv)) return report(err, failed, agentsValid, io);
    // The Monitoring Plugins guidelines: bad arguments, an internal failure, and --help or
    // --version too, are UNKNOWN, and said on stdout (Nagios does not read stderr).
    let said = '';
    report(err, failed, agentsValid, { ...io, stderr: (s) => (said += s) });
    const [line, ...debug] = said.split('\n');
    if (line) io.stdout(`${NAGIOS_SERVICE} UNKNOWN: ${line.slice(line.startsWith(PROGRAM) ? line.indexOf(': ') + 2 : 0)}\n`);
    // EMAINT_DEBUG's stack stays on stderr.
    if (debug.join('') !== '') io.stderr(debug.join('\n'));
    return NAGIOS_EXIT.UNKNOWN;
  }
}

/** SOURCE_DATE_EPOCH (reproducible builds) fixes the time written into generated files. */
function clock(): () => Date {
  const epoch = process.env['SOURCE_DATE_EPOCH'];
  if (epoch === undefined || epoch === '') return () => new Date();
  if (!/^\d{1,12}$/.test(epoch)) throw new UsageError(`SOURCE_DATE_EPOCH ${quoteValue(epoch)} is not a number of seconds`);
  return () => new Date(Number(epoch) * 1000);
}

function buildProgram(
  { catalogue, catalogueFile }: { catalogue: Catalogue; catalogueFile: string | null },
  io: Io,
  now: () => Date,
  onCommand: (cmd: Command) => void,
  setExitCode: (code: number) => void,
): Command {
  const program = new Command(PROGRAM);
  const configure = (cmd: Command): Command =>
    cmd
      .exitOverride()
      .configureOutput({
        writeOut: (s) => io.stdout(s),
        writeErr: (s) => io.stderr(s),
        outputError: () => onCommand(cmd),
      })
      .showSuggestionAfterError(true)
      .helpOption('-h, --help', 'show help');

  // Read once: every command names it (package.json, or the executable's embedded copy).
  const version = toolVersion();
  configure(program)
    .description(
      'Plan, check and render the outbound allow-list for Canon eMaintenance agents.\n' +
        'Without a command, on a terminal: the interactive app (agents, site, plan, check, rules).',
    )
    .version(version, '-V, --version', 'print the version')
    // The app's flags (--agents, --profile) belong to it alone, not to the commands after it.
    .enablePositionalOptions()
    .addHelpText(
      'after',
      `\nRun '${PROGRAM} <command> --help' for a command's options.\n\n` +
        'Exit codes: 0 done (check: every flow ok); 1 check: a flow fails; 2 bad input;\n' +
        '70 internal error or broken installation; 130 cancelled (Ctrl-C in the app).',
    )
    .hook('preAction', (_program, action) => onCommand(action));

  configure(program.command('agents'))
    .description('list the agent modes and their ids')
    .option('--json', 'print JSON instead of text')
    .action((opts: { json?: boolean }) => {
      const result = listAgents(catalogue);
      io.stdout(opts.json ? agentsJson(result) : agentsText(result, io.columns));
    });

  const planCommand = configure(program.command('plan')).description('show the flows (host, protocol, port) that the chosen agents need');
  const planAgents = addAgentFlags(planCommand, catalogue, PROGRAM);
  planCommand
    .option('--lan', 'also list the LAN-side flows of the hardening guide (agent host or support PC to device)')
    .option('--json', 'print JSON instead of a table')
    .addHelpText('after', `\nExamples:\n  ${PROGRAM} plan --agents cca,erds --cca-activation\n  ${PROGRAM} plan --agents all --json`)
    .action(async (opts: { lan?: boolean; json?: boolean } & Record<string, unknown>) => {
      const { agents, options, profile } = await planAgents(opts);
      const result = makePlan({ agents, options, endpoints: profile?.endpoints ?? [], lan: opts.lan === true }, catalogue);
      io.stdout(opts.json ? planJson(result) : planText(result, io.columns));
    });

  addCheckCommand(configure(program.command('check')), {
    catalogue,
    catalogueFile,
    program: PROGRAM,
    toolVersion: version,
    stdout: io.stdout,
    stderr: io.stderr,
    terminal: io.columns === undefined ? undefined : { columns: io.columns, rows: io.rows ?? 24 },
    env: io.env ?? process.env,
    setExitCode,
    now,
  });

  addRenderCommand(configure(program.command('render')), {
    catalogue,
    program: PROGRAM,
    toolVersion: version,
    stdout: io.stdout,
    stderr: io.stderr,
    now,
  });
  addServeCommand(configure(program.command('serve')), {
    catalogue,
    program: PROGRAM,
    toolVersion: version,
    stderr: io.stderr,
    env: io.env ?? process.env,
    onStop: io.onStop ?? processSignals,
    setExitCode,
  });
  addDiffCommand(configure(program.command('diff')), { catalogue, program: PROGRAM, stdout: io.stdout, columns: io.columns });
  addReportCommand(configure(program.command('report')), {
    catalogue,
    program: PROGRAM,
    toolVersion: version,
    stdout: io.stdout,
    stderr: io.stderr,
    now,
  });
  // Last, so the commands do not inherit these: with an action of its own the program would
  // lose `help <command>` and read an unknown command as an argument (the app action reports
  // unknown commands itself).
  program.helpCommand(true).allowExcessArguments(true);
  addAppAction(program, {
    catalogue,
    catalogueFile,
    program: PROGRAM,
    toolVersion: version,
    stdout: io.stdout,
    columns: io.columns,
    terminal: io.terminal ?? { stdin: false, stdout: false },
    env: io.env ?? process.env,
    now,
    setExitCode,
  });
  return program;
}

function report(err: unknown, cmd: Command | undefined, agentsValid: string, io: Io): number {
  const where = cmd ? commandPath(cmd) : PROGRAM;
  // Every error line leaves through here: a password in any argument it quotes is hidden.
  const write = io.stderr;
  io = { ...io, stderr: (s) => write(redactSecrets(s)) };
  if (err instanceof CommanderError) {
    // --help and --version end parsing through the same path, with exit code 0.
    if (err.exitCode === 0) return EXIT_OK;
    io.stderr(`${where}: ${cmd ? commanderMessage(err, cmd, agentsValid) : err.message}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof FieldError) {
    io.stderr(`${where}: ${flagOfField(err.field)} ${err.reason}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof InputError) {
    io.stderr(`${where}: ${err.message}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof CatalogueError) {
    io.stderr(`${PROGRAM}: ${err.message}\n`);
    return EXIT_SOFTWARE;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  io.stderr(`${PROGRAM}: internal error: ${oneLine(e.message, 300)}\n`);
  if (process.env['EMAINT_DEBUG']) io.stderr(`${e.stack ?? ''}\n`);
  return EXIT_SOFTWARE;
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Commander's message, made one line, with the valid values appended. */
function commanderMessage(err: CommanderError, cmd: Command, agentsValid: string): string {
  const msg = escapeUnsafe(
    err.message
      .replace(/^error: /, '')
      .replace(/\s*\n\s*/g, ' ')
      .trim(),
  );
  switch (err.code) {
    case 'commander.unknownCommand':
      return `${msg}; valid commands: ${cmd.commands.map((c) => c.name()).join(', ')}`;
    case 'commander.excessArguments': {
      const extra = quoteValue(cmd.args[cmd.registeredArguments.length] ?? '');
      return `unexpected argument ${extra}; ${cmd.name()} takes only options: ${cmd.options.map((o) => o.long).join(', ')}`;
    }
    case 'commander.unknownOption':
      return `${msg}; valid options: ${cmd.options.map((o) => o.long).join(', ')}`;
    case 'commander.optionMissingArgument':
      if (msg.includes('--agents')) return `${msg}; ${agentsValid}`;
      return msg;
    default:
      return msg;
  }
}
