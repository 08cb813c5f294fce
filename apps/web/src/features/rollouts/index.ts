/** The rollouts section: the list with the start form, and one rollout's page. */
export { RolloutDetailPage } from './RolloutDetailPage';
export { RolloutsPage } from './RolloutsPage';
