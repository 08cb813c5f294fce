/** Test helpers: `@tradeplane/marketdata/testing`. Not for production code. */
export { MemoryBarSink, type StoredBar } from '../import/memoryBarSink';
export { DATA_ROOT, HAS_DATA, REPO_ROOT } from './dataRoot';
