/** Bad input from the user (a flag value, an agent id, a path in the way): the CLI prints
 *  the message as one line and exits with code 2. Every such error extends this. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Bad input in one field, worded by whoever asked: the CLI as its flag, a profile as its
 *  key, the app as its label. `field` is the id (sources, iotPort, nft-table, ...); `reason`
 *  reads on from the field's name ("443: cca reaches ... only"). The core never writes a flag. */
export class FieldError extends InputError {
  override name = 'FieldError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field} ${reason}`);
  }
}

/** The catalogue file is unusable (unreadable or invalid): a broken installation, exit code 70. */
export class CatalogueError extends Error {
  override name = 'CatalogueError';
}
