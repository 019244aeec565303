/** The server's own metrics: requests and syncs it ran. */
import { Counter, Histogram, Registry } from 'prom-client';

export interface ServeMetrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'code'>;
  duration: Histogram<'route'>;
  syncs: Counter<'env' | 'mode' | 'outcome'>;
}

export function createServeMetrics(): ServeMetrics {
  const registry = new Registry();
  return {
    registry,
    requests: new Counter({
      name: 'secmaster_serve_requests_total',
      help: 'HTTP requests answered by secmaster serve, by route, method and status code.',
      labelNames: ['route', 'method', 'code'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'secmaster_serve_request_duration_seconds',
      help: 'Time secmaster serve took to answer, by route.',
      labelNames: ['route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60, 300],
      registers: [registry],
    }),
    syncs: new Counter({
      name: 'secmaster_serve_syncs_total',
      help: 'Syncs requested through POST /v1/sync, by env, mode and outcome (success, skipped, failed).',
      labelNames: ['env', 'mode', 'outcome'],
      registers: [registry],
    }),
  };
}
