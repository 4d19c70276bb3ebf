import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // The shipped forms (npm run test:package) need a packaging step first.
    exclude: ['test/package/**', '**/node_modules/**'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // The CLI tests spawn the built bin; give a loaded CI machine room.
    testTimeout: 20_000,
  },
});
