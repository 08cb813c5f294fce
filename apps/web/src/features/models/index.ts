/** What other console features use of the model registry. */
export { RegisterVersionForm } from './RegisterVersionForm';
export { StageChip } from './StageChip';
export type { ModelStage } from './stagePolicy';
