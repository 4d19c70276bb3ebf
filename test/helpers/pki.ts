// Certificates made with openssl at test time: a test root CA that the check trusts
// through NODE_EXTRA_CA_CERTS, and a second "inspection" CA that it must not trust,
// as a TLS-inspecting firewall would present.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pair {
  cert: string;
  key: string;
}

export interface Pki {
  /** Trust this file with NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** Signed by the trusted test CA, for every name given. */
  site: Pair;
  /** Signed by the untrusted inspection CA, for the same names. */
  inspected: Pair;
  /** Signed by the trusted CA, for a name that is none of them. */
  wrongName: Pair;
  inspectionIssuer: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA of its own (e.g. a TLS-inspecting proxy's), written as <dir>/<name>.pem and .key. */
export function ca(dir: string, name: string, cn: string): Pair {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', ...EC, '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${cn}/O=emaint-egress tests`], { stdio: 'pipe' });
  return { cert, key };
}

function leaf(dir: string, name: string, issuer: { cert: string; key: string }, names: readonly string[]): Pair {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\n`);
  execFileSync('openssl', ['req', ...EC, '-keyout', key, '-out', csr, '-subj', `/CN=${names[0] ?? 'test'}`], { stdio: 'pipe' });
  execFileSync(
    'openssl',
    ['x509', '-req', '-in', csr, '-CA', issuer.cert, '-CAkey', issuer.key, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext],
    { stdio: 'pipe' },
  );
  return { cert, key };
}

export function makePki(dir: string, names: readonly string[]): Pki {
  const root = ca(dir, 'root', 'emaint-egress Test Root CA');
  const inspectionIssuer = 'Corp TLS Inspection CA';
  const inspection = ca(dir, 'inspection', inspectionIssuer);
  return {
    caFile: root.cert,
    site: leaf(dir, 'site', root, names),
    inspected: leaf(dir, 'inspected', inspection, names),
    wrongName: leaf(dir, 'wrong-name', root, ['somewhere-else.test']),
    inspectionIssuer,
  };
}
