import { InputError } from '../core/errors.js';

/** Bad input from the user: one line on stderr, exit code 2, nothing on stdout. */
export class UsageError extends InputError {
  override name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** The user quit the app with Ctrl-C (128 + SIGINT, as shells report it). */
export const EXIT_CANCELLED = 130;
