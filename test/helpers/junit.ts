// JUnit reports checked with libxml2's xmllint: validated against test/fixtures/junit.xsd
// (a schema of the Jenkins/Ant JUnit format, see its header) and read with XPath, so the
// tests see the XML as a CI server's parser does, entities decoded.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const JUNIT_XSD = fileURLToPath(new URL('../fixtures/junit.xsd', import.meta.url));

/** xmllint's verdict on the document: null when it is valid, else what xmllint says. */
export function junitProblems(xml: string): string | null {
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', JUNIT_XSD, '-'], { input: xml, encoding: 'utf8' });
  return r.status === 0 ? null : `xmllint exit ${r.status}: ${r.stderr}`;
}

/** The value of an XPath expression over the document (string(), count(), ...). */
export function xpath(xml: string, expression: string): string {
  const r = spawnSync('xmllint', ['--nonet', '--xpath', expression, '-'], { input: xml, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`xmllint --xpath ${expression}: exit ${r.status}: ${r.stderr}`);
  // xmllint ends its answer with a newline of its own.
  return r.stdout.replace(/\n$/, '');
}

/** One attribute of every element the XPath selects, in document order. */
export function attributes(xml: string, elements: string, attribute: string): string[] {
  const n = Number(xpath(xml, `count(${elements})`));
  return Array.from({ length: n }, (_, i) => xpath(xml, `string((${elements})[${i + 1}]/@${attribute})`));
}
