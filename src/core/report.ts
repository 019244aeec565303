import type { MarketStatus } from './market.js';

export type SyncMode = 'full' | 'incremental';
export const SYNC_MODES: readonly SyncMode[] = ['full', 'incremental'];

/** What wrote to the cache: a sync of either mode, or `secmaster import`. */
export type RunKind = SyncMode | 'import';

/** The part of a run report the store needs to file it. */
export interface RunRecord {
  mode: RunKind;
  status: 'success' | 'skipped' | 'failed';
}

export type SkipReason = 'locked' | 'exchange_closed';

/** Milliseconds spent in each stage of a run. */
export interface StageDurations {
  fetch: number;
  plan: number;
  write: number;
  publish: number;
}

/**
 * What a sync did. Printed as the one JSON summary line, kept in Redis for `status`,
 * and turned into Pushgateway metrics.
 */
export interface SyncReport {
  env: string;
  mode: SyncMode;
  sync_id: string;
  status: 'success' | 'skipped' | 'failed';
  skipped?: SkipReason;
  dry_run: boolean;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  total: number;
  added: number;
  updated: number;
  removed: number;
  settled: number;
  unchanged: number;
  invalid: number;
  pages: number;
  requests: number;
  retries: number;
  rate_limited: number;
  events_published: number;
  /** Events committed but not yet published (left in the outbox) when the run ended. */
  outbox_pending: number;
  stages_ms: StageDurations;
  /** Markets in the cache by status after the run (absent on a skipped run). */
  cache_by_status?: Record<MarketStatus, number>;
  error?: { code: string; message: string };
}
