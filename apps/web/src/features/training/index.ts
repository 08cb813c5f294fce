/** What other console features use of training. */
export { TrainPanel } from './TrainPanel';
