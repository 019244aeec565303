import type { KalshiMarketRecord } from '../core/kalshi.js';
import { NO_CATEGORY_INFO, type CategoryInfo } from '../core/normalize.js';
import type { CallOptions, MarketSource } from '../core/ports.js';

/**
 * The market -> event -> series join for categories. Series come from one `GET /series` per run;
 * events are looked up in batches as new event tickers appear, and remembered for the run.
 */
export class CategoryResolver {
  private series: Map<string, string | null> | null = null;
  private readonly events = new Map<string, { seriesTicker: string | null; category: string | null }>();

  constructor(private readonly source: MarketSource) {}

  async prepare(records: readonly KalshiMarketRecord[], options?: CallOptions): Promise<void> {
    if (this.series === null) {
      const all = await this.source.allSeries(options);
      this.series = new Map(all.map((s) => [s.ticker, s.category ?? null]));
    }
    const missing = [...new Set(records.map((r) => r.event_ticker).filter((e) => e && !this.events.has(e)))];
    if (missing.length === 0) return;
    for (const event of await this.source.eventsByTickers(missing, options)) {
      this.events.set(event.event_ticker, { seriesTicker: event.series_ticker ?? null, category: event.category ?? null });
    }
    // Combo (MVE) events are not served by /events: remember them as unknown instead of asking again.
    for (const e of missing) if (!this.events.has(e)) this.events.set(e, { seriesTicker: null, category: null });
  }

  info(record: KalshiMarketRecord): CategoryInfo {
    const event = this.events.get(record.event_ticker);
    if (event === undefined) return NO_CATEGORY_INFO;
    const seriesCategory = event.seriesTicker === null ? null : (this.series?.get(event.seriesTicker) ?? null);
    return { seriesTicker: event.seriesTicker, seriesCategory, eventCategory: event.category };
  }
}
