/** Regime probabilities for every decision: the stored model's table, kept current. */
export { RegimeService, type RegimeInputs } from './regime-service';
export { RegimeTable, type RegimePoint, type RegimeSource, type StoredRegimeModel } from './regime-table';
