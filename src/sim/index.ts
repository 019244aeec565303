/** The Kalshi simulator: an HTTP server speaking Kalshi's Trade API v2 over a simulated catalogue. */
export { createKalshiSimulator, DEFAULT_HOST } from './server.js';
export type { KalshiSimulator, KalshiSimulatorOptions, SimulatorSettings, SimulatorStats } from './server.js';
export { Catalogue, createCatalogue } from './catalogue.js';
export type { AddOptions, CatalogueCounts, CatalogueOptions, EventEntry } from './catalogue.js';
export { generateCatalogue } from './generate.js';
export type { GenerateOptions, GenerateReport } from './generate.js';
export { seedFromCaptures, DEFAULT_FIXTURES_DIR } from './seed.js';
export type { SeedOptions, SeedReport } from './seed.js';
export type { MoveType, SimMove } from './step.js';
export type { FailureKind, FailureRule, RateOptions } from './faults.js';
export { SimError } from './errors.js';
export type { SimErrorCode } from './errors.js';
export { createRng } from './rng.js';
export type { Rng } from './rng.js';
export { createManualClock } from './clock.js';
export type { ManualClock } from './clock.js';
export { encodeCursor, decodeCursor } from './cursor.js';
export type { CursorPosition } from './cursor.js';
export { API_PREFIX, NOT_FOUND_BODY, TOO_MANY_REQUESTS_BODY } from './routes.js';
export type {
  ExchangeStatus,
  MarketResult,
  MarketStatus,
  MveFilter,
  SimEvent,
  SimMarket,
  SimSeries,
  StatusFilter,
} from './types.js';
