// The check's output formats, and whether an argv asks for the Nagios one. That is
// decided before parsing: in Nagios mode every error, even a flag commander refuses,
// must come out as the plugin's UNKNOWN (one line on stdout, exit code 3). No imports,
// so main.ts can ask it even when the rest of the tool cannot load.

export const CHECK_FORMATS = ['text', 'json', 'nagios', 'junit'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/**
 * True when argv runs `check` with `--format nagios` (the last --format wins, as in
 * commander). `check` must be the first word that is not an option, as the program
 * takes no options of its own before a command.
 */
export function nagiosRequested(argv: readonly string[]): boolean {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  if (at < 0 || argv[at] !== 'check') return false;
  let format: string | undefined;
  for (let i = at + 1; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--') break;
    if (arg === '--format') {
      format = argv[i + 1];
      i += 1;
    } else if (arg.startsWith('--format=')) {
      format = arg.slice('--format='.length);
    }
  }
  return format?.trim().toLowerCase() === 'nagios';
}
