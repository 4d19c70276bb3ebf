// `npm run test:package`: the shipped forms of the tool, built first by that script (the
// single executable, `npm run package`) or by the tests (the npm tarball, `npm pack`).
// Apart from `npm test`, which builds neither; .ci/run runs both.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
