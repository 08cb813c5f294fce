export * from './parsers';
export {
  importPath,
  listImportFiles,
  toColumns,
  type BarColumns,
  type BarSink,
  type FileImportStats,
  type ImportOptions,
  type ImportProgress,
  type ImportSummary,
  type InstrumentSpec,
  type WriteResult,
} from './import/importService';
export * from './ingestion/run-ingestion';
