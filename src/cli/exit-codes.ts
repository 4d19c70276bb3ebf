import { InputError } from '../core/errors.js';

/** Bad input from the user: one line on stderr, exit code 2, nothing on stdout. */
export class UsageError extends InputError {
  override name = 'UsageError';
}

// Exit codes, each meaning one thing (README and --help list them).
export const EXIT_OK = 0;
/** `check`: at least one flow fails. Nothing else exits 1. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** A bug or a broken installation: an internal error, an unexpected exception, a catalogue
 *  that does not load (EX_SOFTWARE of sysexits.h). One line on stderr, never a stack trace. */
export const EXIT_SOFTWARE = 70;
/** The user quit the app with Ctrl-C (128 + SIGINT, as shells report it). */
export const EXIT_CANCELLED = 130;

/** `check --format nagios`: the return codes of the Monitoring Plugins Development Guidelines,
 *  in place of all the above (bad input and internal errors are UNKNOWN there). */
export const NAGIOS_EXIT = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
export type NagiosState = keyof typeof NAGIOS_EXIT;
