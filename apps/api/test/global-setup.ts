/**
 * With TEST_DATABASE_URL set, migrates one template database for the whole run; each test
 * file then gets its own database cloned from it (CREATE DATABASE … TEMPLATE), which is
 * fast and keeps files independent. Without it, tests use in-memory PGlite.
 * It also builds the API (`tsc -b`, incremental: about a second when nothing changed), so
 * tests that start the built server time the start, not the compiler.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { adminQuery, databaseUrl } from './support/postgres.js';
import { openDatabase } from '../src/db/client.js';

declare module 'vitest' {
  interface ProvidedContext {
    templateDatabase: string | null;
  }
}

function buildApi() {
  const apiDir = fileURLToPath(new URL('..', import.meta.url));
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json'], { cwd: apiDir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the API failed:\n${result.stdout}${result.stderr}`);
}

export default async function setup(project: TestProject) {
  buildApi();
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    project.provide('templateDatabase', null);
    return;
  }
  const template = `familyhub_template_${process.pid}`;
  await adminQuery(base, `drop database if exists ${template}`);
  await adminQuery(base, `create database ${template}`);
  const database = openDatabase({ url: databaseUrl(base, template), poolSize: 1 });
  await database.migrate();
  await database.close();
  project.provide('templateDatabase', template);
  return async () => {
    await adminQuery(base, `drop database if exists ${template} with (force)`);
  };
}
