export { candidateMoves, candidateStage, planTransition, RolloutActionError } from './rollout-transitions';
export {
  actOnRollout,
  announceChange,
  RolloutInputError,
  startRollout,
  type RolloutAnnouncer,
  type RolloutServiceDeps,
  type StartRolloutInput,
} from './rollout-service';
