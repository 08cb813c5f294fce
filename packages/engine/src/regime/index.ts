/** Regime probabilities for every decision: the stored model's table, kept current. */
export { RegimeService, type RegimeInputs, type RegimeSeries } from './regime-service';
export {
  RegimeTable,
  type RegimePoint,
  type RegimeSource,
  type RegimeVariants,
  type StoredRegimeModel,
} from './regime-table';
