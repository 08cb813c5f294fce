export { SlotSampler } from './slot-sampler';
