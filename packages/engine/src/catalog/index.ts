/** The model catalog (live sets from the registry, hot swap) and canary/shadow routing. */
export {
  ModelCatalog,
  ModelCatalogError,
  type ActiveModels,
  type ArmModels,
  type ModelCatalogOptions,
} from './model-catalog';
export { chooseArm, ROUTING_BUCKETS, routingBucket, type Arm } from './routing';
