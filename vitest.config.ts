import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // End-to-end suites start local-slack and the bot; two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
