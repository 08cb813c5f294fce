/** The Forensics section: the explorer of decisions and their explanations. */
export { ForensicsPage } from './ForensicsPage';
