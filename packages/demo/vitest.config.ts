import { defineConfig } from 'vitest/config';

const jsonDir = process.env.VITEST_JSON_DIR;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    reporters: jsonDir ? ['default', ['json', { outputFile: `${jsonDir}/demo.json` }]] : ['default'],
  },
});
