import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // The CLI tests spawn the built bin; give a loaded CI machine room.
    testTimeout: 20_000,
  },
});
