// Errors that come from this machine, not from the site: out of file descriptors, socket
// buffers, memory or local ports. Such a failure proves nothing about the firewall, so it
// is a verdict of its own ("this machine ran out of ...") and never "allow tcp/443".

const LOCAL: Readonly<Record<string, string>> = {
  EMFILE: 'open files for this process',
  ENFILE: 'open files for the whole system',
  ENOBUFS: 'socket buffers',
  ENOMEM: 'memory',
  EAGAIN: 'a kernel resource (try again)',
  EADDRNOTAVAIL: 'local ports or source addresses',
};

export function isLocalErrorCode(code: string | undefined): boolean {
  return code !== undefined && Object.hasOwn(LOCAL, code);
}

/** "open files for this process (ulimit -n)" for EMFILE; the code itself for others. */
export function localResource(code: string | undefined): string {
  return (code !== undefined && LOCAL[code]) || (code ?? 'a local resource');
}
