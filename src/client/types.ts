/** Public types shared by the cache, its listeners and the connector guard. */
import type { ChangeEvent, ChangeType } from '../core/events.js';
import type { Market, MarketStatus } from '../core/market.js';

/** Where a market stands in the cache: one of its statuses, or `absent` (never seen, or removed). */
export type MarketState = MarketStatus | 'absent';

/** Why the cache read tickers (or everything) back from Redis instead of applying the journal. */
export type RewarmReason =
  /** An event skipped versions of a ticker (held v, received v+2 or later). */
  | 'version_gap'
  /** An event for a ticker the cache does not hold, whose version is not 1 (listed before, removed before the warm). */
  | 'unknown_ticker'
  /** An event body that could not be decoded; its ticker is read back when it names one. */
  | 'malformed_event'
  /** Stream sequence numbers skipped messages of the change subject. */
  | 'stream_gap'
  /** The stream no longer holds the messages after the cache's position (age or size limits, purge). */
  | 'stream_truncated'
  /** The stream was deleted and created again (its sequence started over). */
  | 'stream_recreated'
  /** The JetStream consumer stopped and could not resume where it was (or applying events failed unexpectedly). */
  | 'consumer_lost'
  /** More events arrived than `maxBuffered` while the cache could not apply them (Redis unreachable during a re-warm). */
  | 'buffer_overflow'
  /** After a Redis reconnect the index held older versions than the cache: Redis lost data or was restored. */
  | 'redis_rollback';

/** What caused a change in the cache. */
export type ChangeCause =
  | { type: 'event'; event: ChangeEvent }
  | { type: 'rewarm'; reason: RewarmReason };

/** A market whose status (or presence) changed: the connector's close/settle hook. */
export interface MarketTransition {
  ticker: string;
  from: MarketState;
  to: MarketState;
  /** The market before the change; undefined when it was absent. */
  previous: Market | undefined;
  /** The market after the change; undefined when it is now absent. */
  market: Market | undefined;
  /** The ticker's version after the change. */
  version: number;
  cause: ChangeCause;
}

/** One ticker a re-warm changed (content or presence). */
export interface RewarmChange {
  ticker: string;
  previous: Market | undefined;
  market: Market | undefined;
  version: number;
}

export interface RewarmReport {
  scope: 'tickers' | 'all';
  reason: RewarmReason;
  /** Tickers read back (for `all`: every cached market). */
  read: number;
  /** Tickers whose content or presence differed from what the cache held. */
  changes: RewarmChange[];
  durationMs: number;
}

export type MarketCacheStatus = 'idle' | 'warming' | 'following' | 'rewarming' | 'closed';

export interface CacheMetrics {
  status: MarketCacheStatus;
  /** Markets held (removed tickers not counted). */
  size: number;
  /** Stream sequence of the last journal message processed; 0 before any. */
  position: number;
  /** Journal messages taken from the stream. */
  eventsReceived: number;
  /** Events whose version was the next one for their ticker, applied to the cache. */
  eventsApplied: number;
  /** Events whose version was not newer than the one held (duplicates, re-publishes, events already in the snapshot). */
  eventsDroppedStale: number;
  /** Journal messages that were not a secmaster change event. */
  eventsMalformed: number;
  /** Re-reads of single tickers (version gaps, unknown tickers) and how many tickers they read. */
  rewarmsTickers: number;
  rewarmedTickers: number;
  /** Full re-warms (stream gaps, truncation, recreation, rollback, overflow), including warms started over because the stream changed during them. */
  rewarmsFull: number;
  /** Times the JetStream ordered consumer was recreated (server restart, missed heartbeats); each is checked for gaps. */
  consumerResets: number;
  /** Messages in the stream after the cache's position, as JetStream last reported them. */
  lagMessages: number;
  /** Age of the last applied message when it was processed (publish to apply), in ms. */
  lagMs: number;
  /** Messages received but not yet processed. */
  buffered: number;
  /** The most messages ever waiting at once (compare with `maxBuffered`). */
  bufferedPeak: number;
  /** Duration of the last full warm (Redis read and install), in ms. */
  lastWarmMs: number;
}

/** The counting part of `CacheMetrics`, kept by the cache as it goes. */
export type CacheCounters = Omit<CacheMetrics, 'status' | 'size' | 'position' | 'buffered'>;

export type Unsubscribe = () => void;

/** An event with its `type` narrowed. */
export type ChangeEventOf<T extends ChangeType> = Extract<ChangeEvent, { type: T }>;

/** Called for every journal event applied to the cache, after the cache changed. */
export type ChangeListener<E extends ChangeEvent = ChangeEvent> = (event: E, previous: Market | undefined) => void;
export type TransitionListener = (transition: MarketTransition) => void;
export type RewarmListener = (report: RewarmReport) => void;
/** Non-fatal trouble the cache recovers from on its own (Redis or NATS unreachable, a listener that threw). */
export type ErrorListener = (error: unknown, context: string) => void;
