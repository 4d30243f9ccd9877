/**
 * The Tempus simulator as the benchmarks use it: in this process, over HTTP, with the
 * contract's limits (10 requests/s, burst 20, 5,000/hour) unless a benchmark says otherwise,
 * and a summary of what the app sent it.
 */
import { startTempusSim, type SimOptions, type TempusSim } from '@familyhub/tempus-sim';
import { BENCH_CLIENT } from './config.js';

export const CONTRACT_LIMITS = { ratePerSecond: 10, burst: 20, hourly: 5000 };

export function startBenchSim(options: SimOptions = {}): Promise<TempusSim> {
  return startTempusSim({
    autoApprove: true,
    clients: [{ clientId: BENCH_CLIENT.clientId, clientSecret: BENCH_CLIENT.clientSecret, redirectUris: [BENCH_CLIENT.redirectUri] }],
    rateLimit: CONTRACT_LIMITS,
    ...options,
  });
}

export interface TrafficSummary {
  requests: number;
  rateLimited: number;
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
}

/**
 * What the API sent the sim since its counters were last reset. `/oauth/authorize` is the
 * user's browser, not the API, and Tempus does not count it against the client's limit.
 */
export function traffic(sim: TempusSim): TrafficSummary {
  const byEndpoint: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  let requests = 0;
  for (const r of sim.requests) {
    if (r.path === '/oauth/authorize') continue;
    requests++;
    byEndpoint[r.path] = (byEndpoint[r.path] ?? 0) + 1;
    byStatus[String(r.status)] = (byStatus[String(r.status)] ?? 0) + 1;
  }
  return { requests, rateLimited: byStatus['429'] ?? 0, byEndpoint, byStatus };
}

/** Long enough for the simulator's bucket (burst 20 at 10/s) to be full again. */
export const refillSim = () => new Promise<void>((resolve) => setTimeout(resolve, 2_500));
