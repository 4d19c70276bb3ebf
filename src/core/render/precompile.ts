// The shipped templates as ES modules, written at build time (.ci/build/templates.mjs) to
// dist/templates/<target>.js and bundled with the code: `render` then runs them on
// handlebars' runtime, without loading its compiler or parsing a template at start.
import { type TemplateSources, precompileTemplate } from './engine.js';

/** The file names a template may have: they become keys of the generated module. */
const TEMPLATE_FILE = /^[a-z0-9][a-z0-9.-]*\.hbs$/;

/** One target's templates, each checked by the guard and compiled, as the text of an ES
 *  module whose default export is that target's TemplateSet. Needs loadTemplateEngine(). */
export function templateModule(target: string, sources: TemplateSources): string {
  const entries = Object.keys(sources)
    .sort()
    .map((name) => {
      if (!TEMPLATE_FILE.test(name))
        throw new Error(`template ${target}/${name}: a template's name is lower-case letters, digits, dots and dashes, ending .hbs`);
      return `  ${JSON.stringify(name)}: ${precompileTemplate(`${target}/${name}`, sources[name] ?? '')},\n`;
    });
  return [
    `// templates/${target}/, compiled by .ci/build/templates.mjs (handlebars, strict): generated, do not edit.\n`,
    'export default {\n',
    ...entries,
    '};\n',
  ].join('');
}
