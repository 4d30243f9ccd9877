/** Prometheus metrics of the Tempus integration, registered on the app's registry. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface MetricSources {
  countAccountsByState(): Promise<Record<string, number>>;
  countTokensByKeyVersion(): Promise<{ version: string; n: number }[]>;
}

export function createTempusMetrics(registry: Registry, sources: () => MetricSources) {
  return {
    syncs: new Counter({
      name: 'familyhub_tempus_syncs_total',
      help: 'Finished Tempus syncs by type and status',
      labelNames: ['type', 'status'] as const,
      registers: [registry],
    }),
    syncDuration: new Histogram({
      name: 'familyhub_tempus_sync_duration_seconds',
      help: 'Duration of Tempus syncs',
      labelNames: ['type', 'status'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    requests: new Counter({
      name: 'familyhub_tempus_requests_total',
      help: 'Requests sent to Tempus by endpoint and response status',
      labelNames: ['endpoint', 'status'] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'familyhub_tempus_rate_limited_total',
      help: '429 responses received from Tempus',
      registers: [registry],
    }),
    tokenRefreshes: new Counter({
      name: 'familyhub_tempus_token_refreshes_total',
      help: 'Access token refreshes by result',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    accounts: new Gauge({
      name: 'familyhub_tempus_accounts',
      help: 'Connected Tempus accounts by state',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        const counts = await sources().countAccountsByState();
        for (const state of ['active', 'reauth_required', 'disabled']) this.set({ state }, counts[state] ?? 0);
      },
    }),
    tokensByKeyVersion: new Gauge({
      name: 'familyhub_tempus_tokens_by_key_version',
      help: 'Stored Tempus tokens by the version of the key that encrypted them (older versions are rewritten in the background)',
      labelNames: ['version'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const { version, n } of await sources().countTokensByKeyVersion()) this.set({ version }, n);
      },
    }),
  };
}

export type TempusMetrics = ReturnType<typeof createTempusMetrics>;
