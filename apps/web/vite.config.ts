import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

const jsonDir = process.env.VITEST_JSON_DIR;

export default defineConfig({
  plugins: [sveltekit()],
  test: {
    reporters: jsonDir ? ['default', ['json', { outputFile: `${jsonDir}/web.json` }]] : ['default'],
    // Unit tests and the browser tests share two cores; running files one at a time keeps
    // the servers the browser tests start from competing with each other.
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'tests/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
