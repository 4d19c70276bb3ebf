/** Bad input from the user (a flag value, an agent id, a path in the way): the CLI prints
 *  the message as one line and exits with code 2. Every such error extends this. */
export class InputError extends Error {
  override name = 'InputError';
}
