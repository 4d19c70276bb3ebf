// The "adding a target" checklist (README, Layout), as a test: every target in TARGETS has
// its module in the index, its own template folder, golden files for both modes, the files
// it writes (which the report reads), and option declarations the flags, profiles and the
// app can be derived from. A new target
// missing any of these fails here, naming what is missing.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { targetOptions } from '../src/cli/render-flags.js';
import { targets } from '../src/core/render/index.js';
import { defaultSite } from '../src/core/render/options.js';
import { TARGETS } from '../src/core/render/target.js';

const TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));
const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
const OUR_FLAGS = new RegExp(
  `--(${['agents', 'target', 'out', 'force', 'source', 'mode', 'iot-port', 'site', 'resolve', 'dns-server', 'profile', ...targetOptions().map((o) => o.name)].join('|')})\\b`,
);

describe.each(TARGETS)('target %s', (id) => {
  const target = targets[id];

  it('is in the index under its own id, with a title', () => {
    expect(target?.id).toBe(id);
    expect(target?.title.length).toBeGreaterThan(0);
  });

  it('has its own template folder, and golden files for both modes', () => {
    expect(existsSync(`${TEMPLATES}${id}`), `templates/${id}/`).toBe(true);
    expect(readdirSync(`${TEMPLATES}${id}`).filter((f) => f.endsWith('.hbs')).length, `templates/${id}/*.hbs`).toBeGreaterThan(0);
    for (const mode of ['exact', 'wildcard']) {
      const dir = `${GOLDEN}${id}-${mode}`;
      expect(existsSync(dir) && readdirSync(dir).length > 0, `test/golden/${id}-${mode}/`).toBe(true);
    }
  });

  it('declares its options: unique names, a label, an argument, help without flag names, a default that parses', () => {
    const names = target.options.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const o of target.options) {
      expect(o.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(o.label.length, o.name).toBeGreaterThan(0);
      expect(o.arg.length, o.name).toBeGreaterThan(0);
      // The core never words a message in our CLI's flags: the CLI adds them.
      expect(o.help, o.name).not.toMatch(OUR_FLAGS);
      if (o.fallback !== null) expect(() => o.parse(o.fallback as string, o.name), o.name).not.toThrow();
      if (o.choices) for (const c of o.choices) expect(() => o.parse(c, o.name), `${o.name} ${c}`).not.toThrow();
    }
  });

  it('declares the files it writes: each a plain name of its own (no other target writes it), with an apply line', () => {
    expect(target.files.length).toBeGreaterThan(0);
    for (const f of target.files) {
      expect(f.name).toMatch(/^emaint-egress\.[a-z0-9.-]+$/);
      expect(f.apply.trim().length, f.name).toBeGreaterThan(0);
      const others = TARGETS.filter((t) => t !== id && targets[t].files.some((g) => g.name === f.name));
      expect(others, f.name).toEqual([]);
    }
  });

  it('every option it declares is a render flag, for it', () => {
    const flags = targetOptions();
    for (const o of target.options) expect(flags.find((f) => f.name === o.name)?.targets).toContain(id);
  });
});

describe('the defaults', () => {
  it('are the declarations\u2019 own fallbacks, in one place', () => {
    const site = defaultSite({ sources: [], label: null });
    for (const id of TARGETS) {
      for (const o of targets[id].options) {
        const want = o.fallback === null ? null : o.parse(o.fallback, o.name);
        expect(site[o.field], `${id} ${o.name}`).toEqual(want);
      }
    }
  });
});
