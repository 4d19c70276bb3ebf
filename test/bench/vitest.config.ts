// `npm run bench`: the benchmarks under test/bench, apart from `npm test` (they print
// numbers; they do not pass or fail on speed).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/bench/**/*.bench-run.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
