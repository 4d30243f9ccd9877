import { existsSync } from 'node:fs';

/** Loads `.env` from the working directory (or the repository root) if there is one; real environment variables win. */
export function loadDotEnv(): void {
  for (const file of ['.env', '../../.env']) {
    if (existsSync(file)) {
      process.loadEnvFile(file);
      return;
    }
  }
}
