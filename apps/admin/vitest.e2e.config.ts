import { defineConfig } from 'vitest/config';

// End-to-end: the real API, worker and database (started by e2e/global-setup.ts), driven by
// Debian's Chromium through playwright-core. One file at a time: the scenarios share the API.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
