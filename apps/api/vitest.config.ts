import { defineConfig } from 'vitest/config';

const jsonDir = process.env.VITEST_JSON_DIR;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    // The load smoke samples the heap after full collections, as the soak does: without
    // them the heap trend measures how lazily this Node version's GC runs, not leaks.
    execArgv: ['--expose-gc'],
    hookTimeout: 60_000,
    reporters: jsonDir ? ['default', ['json', { outputFile: `${jsonDir}/api.json` }]] : ['default'],
  },
});
