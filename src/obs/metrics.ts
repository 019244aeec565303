import { Gauge, Registry } from 'prom-client';
import { MARKET_STATUSES } from '../core/market.js';
import type { Logger } from '../core/logger.js';
import type { SkipReason, SyncMode, SyncReport } from '../core/report.js';
import { pushGroup, redactUrl } from './pushgateway.js';

/** The Pushgateway `job` label of every secmaster group. */
export const METRICS_JOB = 'secmaster';

/** @defaultValue 5000 */
export const DEFAULT_PUSH_TIMEOUT_MS = 5_000;

// A Record so that a new SkipReason fails the typecheck until it is listed here.
const SKIP_REASONS = Object.keys({ locked: true, exchange_closed: true } satisfies Record<SkipReason, true>) as SkipReason[];
const STAGES = ['fetch', 'plan', 'write', 'publish'] as const;

/** One run as metrics see it: the report plus what a PUT would otherwise lose. */
export interface RunMetricsInput {
  report: SyncReport;
  /**
   * Unix seconds at which the previous successful run of this env and mode finished, as the
   * caller read it from Redis before the run. A PUT replaces the whole group, so without it a
   * failed or skipped run would erase `secmaster_last_success_timestamp_seconds`.
   * Ignored when `report.status` is `success` (the report's own `finished_at` is used).
   */
  lastSuccessUnixSeconds?: number | null;
}

type Labels = Record<string, string>;
type Sample = readonly [labels: Labels, value: number];

interface MetricDef {
  name: string;
  help: string;
  labelNames: readonly string[];
  samples(input: RunMetricsInput): readonly Sample[];
}

const seconds = (ms: number): number => ms / 1000;
const unixSeconds = (iso: string): number => Date.parse(iso) / 1000;
const one = (value: number): readonly Sample[] => [[{}, value]];

function lastSuccess({ report, lastSuccessUnixSeconds }: RunMetricsInput): readonly Sample[] {
  if (report.status === 'success') return one(unixSeconds(report.finished_at));
  if (typeof lastSuccessUnixSeconds === 'number' && Number.isFinite(lastSuccessUnixSeconds) && lastSuccessUnixSeconds > 0) {
    return one(lastSuccessUnixSeconds);
  }
  return [];
}

/**
 * Every metric secmaster registers. The `name` literals are read by `scripts/chart-check.sh`
 * to check the Grafana dashboard and the alert rules, so keep them as plain string literals.
 */
const METRICS: readonly MetricDef[] = [
  {
    name: 'secmaster_last_success_timestamp_seconds',
    help: 'Unix time at which the last successful run of this mode finished (carried over by failed and skipped runs).',
    labelNames: [],
    samples: lastSuccess,
  },
  {
    name: 'secmaster_last_completion_timestamp_seconds',
    help: 'Unix time at which the last run of this mode finished, whatever its outcome.',
    labelNames: [],
    samples: ({ report }) => one(unixSeconds(report.finished_at)),
  },
  {
    name: 'secmaster_last_run_duration_seconds',
    help: 'Wall-clock duration of the last run.',
    labelNames: [],
    samples: ({ report }) => one(seconds(report.duration_ms)),
  },
  {
    name: 'secmaster_last_run_stage_duration_seconds',
    help: 'Time the last run spent in each stage.',
    labelNames: ['stage'],
    samples: ({ report }) => STAGES.map((stage) => [{ stage }, seconds(report.stages_ms[stage])] as const),
  },
  {
    name: 'secmaster_last_run_markets',
    help: 'Markets the last run found, by outcome (added, updated, settled, removed, unchanged, invalid).',
    labelNames: ['outcome'],
    samples: ({ report }) => [
      [{ outcome: 'added' }, report.added],
      [{ outcome: 'updated' }, report.updated],
      [{ outcome: 'settled' }, report.settled],
      [{ outcome: 'removed' }, report.removed],
      [{ outcome: 'unchanged' }, report.unchanged],
      [{ outcome: 'invalid' }, report.invalid],
    ],
  },
  {
    name: 'secmaster_last_run_markets_seen',
    help: 'Markets the last run fetched from Kalshi.',
    labelNames: [],
    samples: ({ report }) => one(report.total),
  },
  {
    name: 'secmaster_markets',
    help: 'Markets in the cache after the last run, by status (absent after a skipped or failed run that could not count them).',
    labelNames: ['status'],
    samples: ({ report }) => {
      const counts = report.cache_by_status;
      return counts ? MARKET_STATUSES.map((status) => [{ status }, counts[status] ?? 0] as const) : [];
    },
  },
  {
    name: 'secmaster_last_run_pages',
    help: 'Kalshi result pages the last run read.',
    labelNames: [],
    samples: ({ report }) => one(report.pages),
  },
  {
    name: 'secmaster_last_run_api_requests',
    help: 'HTTP requests the last run sent to the Kalshi API, retries included.',
    labelNames: [],
    samples: ({ report }) => one(report.requests),
  },
  {
    name: 'secmaster_last_run_api_rate_limited',
    help: 'Kalshi API responses with status 429 in the last run.',
    labelNames: [],
    samples: ({ report }) => one(report.rate_limited),
  },
  {
    name: 'secmaster_last_run_api_retries',
    help: 'Kalshi API requests the last run retried.',
    labelNames: [],
    samples: ({ report }) => one(report.retries),
  },
  {
    name: 'secmaster_last_run_events_published',
    help: 'Change events the last run published to the journal.',
    labelNames: [],
    samples: ({ report }) => one(report.events_published),
  },
  {
    name: 'secmaster_outbox_pending_events',
    help: 'Change events committed to Redis but not yet published when the last run ended.',
    labelNames: [],
    samples: ({ report }) => one(report.outbox_pending),
  },
  {
    name: 'secmaster_last_run_success',
    help: '1 when the last run succeeded, 0 when it was skipped or failed.',
    labelNames: [],
    samples: ({ report }) => one(report.status === 'success' ? 1 : 0),
  },
  {
    name: 'secmaster_last_run_skipped',
    help: '1 for the reason the last run was skipped, 0 for the other known reasons.',
    labelNames: ['reason'],
    samples: ({ report }) =>
      SKIP_REASONS.map((reason) => [{ reason }, report.status === 'skipped' && report.skipped === reason ? 1 : 0] as const),
  },
  {
    name: 'secmaster_last_run_failed',
    help: '1, labelled with the error code, when the last run failed; absent otherwise.',
    labelNames: ['code'],
    samples: ({ report }) => (report.status === 'failed' ? [[{ code: report.error?.code ?? 'UNKNOWN' }, 1]] : []),
  },
];

/** Names of every metric {@link buildRunRegistry} can register, for docs and dashboard checks. */
export const METRIC_NAMES: readonly string[] = METRICS.map((m) => m.name);

export interface BuildRegistryOptions {
  /**
   * Put `env` and `mode` on every series. Off for a push (the grouping key carries them), on for
   * a `/metrics` endpoint that serves several runs at once.
   * @defaultValue false
   */
  withRunLabels?: boolean;
}

/**
 * A fresh Registry holding the metrics of the given runs, without process or Node.js default
 * metrics. Several runs need `withRunLabels`, and at most one run per env and mode.
 */
export function buildRunRegistry(runs: RunMetricsInput | readonly RunMetricsInput[], options: BuildRegistryOptions = {}): Registry {
  const list = Array.isArray(runs) ? (runs as readonly RunMetricsInput[]) : [runs as RunMetricsInput];
  const withRunLabels = options.withRunLabels ?? false;
  if (list.length > 1 && !withRunLabels) {
    throw new Error('buildRunRegistry: several runs need withRunLabels, or their series would collide');
  }
  const registry = new Registry();
  for (const def of METRICS) {
    const samples = list.flatMap((run) => {
      const runLabels: Labels = withRunLabels ? { env: run.report.env, mode: run.report.mode } : {};
      return def.samples(run).map(([labels, value]) => [{ ...labels, ...runLabels }, value] as const);
    });
    // An unlabelled prom-client gauge reads 0 until set; a metric without samples must be absent.
    if (samples.length === 0) continue;
    const gauge = new Gauge({
      name: def.name,
      help: def.help,
      labelNames: withRunLabels ? [...def.labelNames, 'env', 'mode'] : [...def.labelNames],
      registers: [registry],
    });
    for (const [labels, value] of samples) gauge.set(labels, value);
  }
  return registry;
}

/** The same metrics as Prometheus text exposition format (for a `/metrics` endpoint). */
export async function renderRunMetrics(
  runs: RunMetricsInput | readonly RunMetricsInput[],
  options: BuildRegistryOptions = {},
): Promise<string> {
  return buildRunRegistry(runs, options).metrics();
}

/** The Pushgateway grouping key of a run: one group per env and mode, no instance label. */
export function groupingKey(env: string, mode: SyncMode): { job: string; env: string; mode: SyncMode } {
  return { job: METRICS_JOB, env, mode };
}

export interface PushRunMetricsOptions extends RunMetricsInput {
  /** Pushgateway base URL (`PUSHGATEWAY_URL`), e.g. `http://pushgateway.monitoring:9091`. */
  url: string;
  logger: Logger;
  /** @defaultValue {@link DEFAULT_PUSH_TIMEOUT_MS} */
  timeoutMs?: number;
}

/**
 * Replaces (HTTP PUT) the run's group on the Pushgateway with this run's metrics. Call it at the
 * end of every run, success or not. Never throws: a failed push is logged as a warning and
 * resolves `false`, because losing one run's metrics must not fail the sync.
 */
export async function pushRunMetrics(options: PushRunMetricsOptions): Promise<boolean> {
  const { url, report, logger } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS;
  const startedAt = Date.now();
  try {
    const registry = buildRunRegistry({ report, lastSuccessUnixSeconds: options.lastSuccessUnixSeconds ?? null });
    const body = await registry.metrics();
    await pushGroup({
      url,
      method: 'PUT',
      grouping: groupingKey(report.env, report.mode),
      body,
      contentType: registry.contentType,
      timeoutMs,
    });
    logger.debug({ pushgateway: redactUrl(url), env: report.env, mode: report.mode, ms: Date.now() - startedAt }, 'metrics pushed');
    return true;
  } catch (err) {
    logger.warn(
      {
        pushgateway: redactUrl(url),
        env: report.env,
        mode: report.mode,
        err: describeError(err),
      },
      'metrics push to the Pushgateway failed; this run\'s metrics are lost',
    );
    return false;
  }
}

function describeError(err: unknown): { name: string; message: string; code?: string } {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  // fetch() reports a network failure as "fetch failed" with the socket error (ECONNREFUSED, ...)
  // somewhere down the cause chain.
  let code: string | undefined;
  for (let cause: unknown = err.cause, depth = 0; cause && depth < 4 && !code; depth++) {
    const c = cause as { code?: unknown; cause?: unknown };
    if (typeof c.code === 'string') code = c.code;
    cause = c.cause;
  }
  return code ? { name: err.name, message: err.message, code } : { name: err.name, message: err.message };
}

/** Removes the group of an env and mode from the Pushgateway (tests, decommissioning an env). */
export async function deleteRunMetrics(options: { url: string; env: string; mode: SyncMode; timeoutMs?: number }): Promise<void> {
  await pushGroup({
    url: options.url,
    method: 'DELETE',
    grouping: groupingKey(options.env, options.mode),
    timeoutMs: options.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS,
  });
}
