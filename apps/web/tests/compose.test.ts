/**
 * docker-compose.yml, checked without a Docker engine: it parses, every service has a
 * healthcheck, the simulator comes only with the `demo` profile, the API believes
 * forwarded headers from the web app's server alone, `cp .env.example .env` satisfies every
 * variable compose insists on, and each image starts the very command the production
 * smoke test runs (tests/e2e/production.test.ts), from the same scripts/deploy.sh.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SERVER_SCRIPTS } from './e2e/support/servers';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const read = (file: string) => readFileSync(`${repoRoot}${file}`, 'utf8');

interface Service {
  build?: { context: string; dockerfile: string };
  profiles?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  networks?: { default?: { ipv4_address?: string } };
  network_mode?: string;
  ports?: string[];
}

const composeText = read('docker-compose.yml');
const compose = parse(composeText) as {
  services: Record<string, Service>;
  networks: { default: { ipam: { config: { subnet: string }[] } } };
};
const { services } = compose;

/** Whether an IPv4 address lies in a CIDR block. */
function inSubnet(address: string, cidr: string): boolean {
  const toInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const [base, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toInt(address) / size) === Math.floor(toInt(base) / size);
}

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, the API and the web app, and adds the simulator only with --profile demo', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'db', 'tempus-sim', 'web']);
    expect(services['tempus-sim']!.profiles).toEqual(['demo']);
    for (const name of ['db', 'api', 'web']) expect(services[name]!.profiles, name).toBeUndefined();
  });

  it('gives every service a healthcheck', () => {
    for (const [name, service] of Object.entries(services)) expect(service.healthcheck?.test.length, name).toBeGreaterThan(0);
  });

  it('runs the servers in production', () => {
    for (const name of ['api', 'web']) expect(services[name]!.environment!.NODE_ENV, name).toBe('production');
  });

  it('believes X-Forwarded-* only from the web app’s server, at its fixed address in the compose network', () => {
    const trusted = String(services.api!.environment!.TRUST_PROXY);
    const web = services.web!.networks!.default!.ipv4_address!;
    expect(trusted).toBe(web);
    expect(inSubnet(web, compose.networks.default.ipam.config[0]!.subnet)).toBe(true);
    // Not the gateway, through which requests to the published port arrive.
    expect(web.endsWith('.1')).toBe(false);
  });

  it('puts the simulator where one Tempus URL reaches it from the API and from the browser', () => {
    expect(services['tempus-sim']!.network_mode).toBe('service:api');
    expect(services['tempus-sim']!.environment).toMatchObject({ TEMPUS_SIM_HOST: '0.0.0.0', TEMPUS_SIM_PORT: 4010 });
    expect(services.api!.ports).toEqual(['3000:3000', '4010:4010']);
  });

  it('is satisfied by .env.example copied as .env, and every variable it reads is documented there', () => {
    const example = read('.env.example');
    const set = parseEnv(example);
    const referenced = [...composeText.matchAll(/\$\{([A-Z_][A-Z0-9_]*)(:?[-?])?[^}]*\}/g)];
    expect(referenced.length).toBeGreaterThan(0);
    for (const [, name, operator] of referenced) {
      if (operator?.endsWith('?')) expect(set[name!], `${name} must be set in .env.example`).toBeTruthy();
      expect(example, `${name} must be documented in .env.example`).toMatch(new RegExp(`^(# )?${name}=`, 'm'));
    }
  });

  it.each([
    ['api', 'apps/api/Dockerfile'],
    ['web', 'apps/web/Dockerfile'],
    ['tempus-sim', 'packages/tempus-sim/Dockerfile'],
  ] as const)('builds %s on Node.js 24 and starts it as the smoke test does, from scripts/deploy.sh', (name, dockerfile) => {
    expect(services[name]!.build).toEqual({ context: '.', dockerfile });
    const text = read(dockerfile);
    expect(text.match(/^FROM (\S+)/gm)).toEqual(['FROM node:24-bookworm-slim', 'FROM node:24-bookworm-slim']);
    expect(text).toContain(`scripts/deploy.sh /app ${name}`);
    expect(text).toContain(`CMD ["node", "${SERVER_SCRIPTS[name]}"]`);
    expect(text).not.toMatch(/\btsx\b/);
  });
});
