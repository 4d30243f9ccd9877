import { defineConfig } from 'vitest/config';

const jsonDir = process.env.VITEST_JSON_DIR;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: jsonDir ? ['default', ['json', { outputFile: `${jsonDir}/tempus-sim.json` }]] : ['default'],
  },
});
