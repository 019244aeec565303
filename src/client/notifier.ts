/** The cache's listeners: who hears about applied events, transitions, re-warms and trouble. */
import type { ChangeEvent, ChangeType } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import type { Market } from '../core/market.js';
import { transitionOf } from './ledger.js';
import { Listeners } from './listeners.js';
import type {
  ChangeEventOf,
  ChangeListener,
  ErrorListener,
  MarketTransition,
  RewarmChange,
  RewarmListener,
  RewarmReason,
  RewarmReport,
  TransitionListener,
  Unsubscribe,
} from './types.js';

export class CacheNotifier {
  private readonly errors: Listeners<[unknown, string]>;
  private readonly changes: Listeners<[ChangeEvent, Market | undefined]>;
  private readonly byType = new Map<ChangeType, Listeners<[ChangeEvent, Market | undefined]>>();
  private readonly transitions: Listeners<[MarketTransition]>;
  private readonly rewarms: Listeners<[RewarmReport]>;
  private readonly listenerThrew = (err: unknown): void => this.report(err, 'a cache listener threw');

  constructor(
    private readonly logger: Logger,
    private readonly env: string,
  ) {
    this.errors = new Listeners((err) => logger.error({ env, err: String(err) }, 'an onError listener threw'));
    this.changes = new Listeners(this.listenerThrew);
    this.transitions = new Listeners(this.listenerThrew);
    this.rewarms = new Listeners(this.listenerThrew);
  }

  onChange(listener: ChangeListener): Unsubscribe {
    return this.changes.add(listener);
  }

  on<T extends ChangeType>(type: T, listener: ChangeListener<ChangeEventOf<T>>): Unsubscribe {
    let set = this.byType.get(type);
    if (set === undefined) {
      set = new Listeners(this.listenerThrew);
      this.byType.set(type, set);
    }
    // Only events of `type` are emitted to this set, so the narrowing holds.
    return set.add(listener as ChangeListener);
  }

  onTransition(listener: TransitionListener): Unsubscribe {
    return this.transitions.add(listener);
  }

  onRewarm(listener: RewarmListener): Unsubscribe {
    return this.rewarms.add(listener);
  }

  onError(listener: ErrorListener): Unsubscribe {
    return this.errors.add(listener);
  }

  /** A journal event was applied: `previous` is what the cache held before. */
  applied(event: ChangeEvent, previous: Market | undefined): void {
    this.changes.emit(event, previous);
    this.byType.get(event.type)?.emit(event, previous);
    const market = event.type === 'market_removed' ? undefined : event.market;
    const t = transitionOf(event.ticker, previous, market, event.version, { type: 'event', event });
    if (t) this.transitions.emit(t);
  }

  /** Tickers (or everything) were read back from Redis; `changes` is what differed. */
  rewarmed(scope: RewarmReport['scope'], reason: RewarmReason, read: number, changes: RewarmChange[], startedMs: number): void {
    this.rewarms.emit({ scope, reason, read, changes, durationMs: Math.round(performance.now() - startedMs) });
    for (const c of changes) {
      const t = transitionOf(c.ticker, c.previous, c.market, c.version, { type: 'rewarm', reason });
      if (t) this.transitions.emit(t);
    }
  }

  /** Logs trouble the cache works around and tells the `onError` listeners. */
  report(err: unknown, context: string): void {
    this.logger.warn({ env: this.env, err: err instanceof Error ? err.message : String(err) }, context);
    this.errors.emit(err, context);
  }

  clear(): void {
    for (const set of [this.changes, this.transitions, this.rewarms, this.errors, ...this.byType.values()]) set.clear();
  }
}
