import { InputError } from '../core/errors.js';

/** The folder or a file in it is in the way, or another run holds it; nothing was written. */
export class OutputError extends InputError {
  override name = 'OutputError';
}
