// --catalogue FILE: a newer or regional catalogue of the same schema takes the shipped one's
// place in plan, render and the app, its version in every header; a file that does not load
// is bad input (one line, exit 2), not a broken installation (70).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueJson, newerCatalogueJson } from './helpers/catalogue.js';
import { cli } from './helpers/cli.js';
import { tempDirs } from './helpers/tmp.js';

const tmp = tempDirs('ee-catalogue-flag-');
const NEW_HOST = 'hbp2-ec1l.srv.ygles.com';

function file(content: unknown, name = 'catalogue.json'): string {
  const path = join(tmp(), name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('--catalogue FILE', () => {
  it('plans from the newer file: its version in the header and in --json, its new host among the flows', async () => {
    const newer = file(newerCatalogueJson(NEW_HOST));
    const text = await cli('plan', '--agents', 'cca', '--catalogue', newer);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Egress plan for cca \(catalogue 1\.1\.0\)\n10 flows to 9 hosts/);
    expect(text.stdout).toContain(NEW_HOST);
    const json = JSON.parse((await cli('plan', '--agents', 'cca', `--catalogue=${newer}`, '--json')).stdout) as {
      catalogue: { version: string };
      flows: { host: string; provenance: { quote: string }[] }[];
    };
    expect(json.catalogue.version).toBe('1.1.0');
    expect(json.flows.find((f) => f.host === NEW_HOST)?.provenance[0]?.quote).toBe(`${NEW_HOST}: poort 443`);
    // Without the flag: the shipped catalogue, without the host.
    expect((await cli('plan', '--agents', 'cca')).stdout).not.toContain(NEW_HOST);
  });

  it('every rules header names the catalogue version the rules came from', async () => {
    const newer = file(newerCatalogueJson(NEW_HOST));
    const r = await cli('render', '--agents', 'cca', '--target', 'squid', '--catalogue', newer);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# catalogue 1.1.0; agents: cca');
    expect(r.stdout).toMatch(new RegExp(`dstdomain ${NEW_HOST.replace(/\./g, '\\.')}\\n`));
  });

  it("takes the flags from the file: an agent and an option only it has are valid, and the app's plan uses it", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: a regional catalogue, edited as its maintainer would
    const c = newerCatalogueJson(NEW_HOST) as Record<string, any>;
    const cca = c['agents'][0];
    c['agents'].push({
      ...cca,
      id: 'cca-regional',
      endpoints: [cca.endpoints[0]],
      options: [{ id: 'regional-extra', flag: '--regional-extra', description: 'A regional extra', endpoints: [cca.endpoints.at(-1)] }],
    });
    const regional = file(c);
    const r = await cli('plan', '--catalogue', regional, '--agents', 'cca-regional', '--regional-extra');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`${NEW_HOST}  tcp/443`);
    // The app, without a terminal, prints the plan the flags ask for, from the same file.
    const app = await cli('--catalogue', regional, '--agents', 'cca-regional');
    expect(app.stdout).toMatch(/^Egress plan for cca-regional \(catalogue 1\.1\.0\)/);
  });

  it.each([
    ['a missing file', () => join(tmp(), 'missing.json'), /: cannot read it \(ENOENT\)$/],
    ['a folder', () => tmp(), /: is not a file$/],
    ['text that is not JSON', () => file('{ not json'), /: is not valid JSON \(at character \d+\)$/],
    ['a file cut short', () => file(JSON.stringify(catalogueJson()).slice(0, 5000)), /: is not valid JSON \(cut short\?\)$/],
    ['a catalogue of another schema', () => file({ ...catalogueJson(), colour: 'red' }), /: invalid catalogue at \(root\): .*colour/],
    [
      'a change log that does not add up',
      () => file({ ...newerCatalogueJson(NEW_HOST), changes: catalogueJson()['changes'] }),
      /: invalid catalogue: changes: the newest entry is 1\.0\.0, not this version 1\.1\.0$/,
    ],
  ])('refuses %s in one line, exit 2, nothing on stdout', async (_what, path, message) => {
    const given = path();
    for (const argv of [
      ['plan', '--agents', 'cca', '--catalogue', given],
      ['render', '--agents', 'cca', '--target', 'csv', '--catalogue', given],
    ]) {
      const r = await cli(...argv);
      expect(r).toMatchObject({ code: 2, stdout: '' });
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr.trimEnd()).toMatch(new RegExp(`^emaint-egress: --catalogue ${given.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${message.source}`));
    }
  });

  it('a file that does not load is the plugin UNKNOWN under check --format nagios', async () => {
    const r = await cli('check', '--agents', 'cca', '--format', 'nagios', '--catalogue', join(tmp(), 'missing.json'));
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^EGRESS UNKNOWN: --catalogue .*missing\.json: cannot read it \(ENOENT\)\n$/);
  });
});
