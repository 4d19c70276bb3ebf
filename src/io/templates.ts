// A target's templates. The shipped ones are compiled at build time (.ci/build/templates.mjs
// writes dist/templates/<target>.js, which the bundles carry as code): `render` then loads
// handlebars' runtime and not its compiler. Run from TypeScript source (the tests), there is
// no build output beside the code: the sources in templates/ are compiled on first use.
import type { TemplateSet } from '../core/render/engine.js';
import { readTemplateFolder, runningFromSource, templateSources } from './shipped.js';

/** A target's name as it may appear in a module path. */
const TARGET_NAME = /^[a-z0-9-]+$/;

/** The target's templates; `dir` (tests): the sources in another templates/ folder. */
export async function loadTemplates(target: string, dir?: string): Promise<TemplateSet> {
  if (dir !== undefined) return readTemplateFolder(`${dir}${target}/`);
  if (runningFromSource()) return templateSources(target);
  if (!TARGET_NAME.test(target)) throw new Error(`no templates for target ${JSON.stringify(target)}`);
  // One module per target, so a render loads only its own (the bundler makes each a chunk).
  return ((await import(`../templates/${target}.js`)) as { default: TemplateSet }).default;
}
