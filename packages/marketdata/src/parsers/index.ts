export * from './types';
export { detectFormat, parseFile, KNOWN_EXTENSIONS, extensionOf } from './detect';
export { parseWideCloseCsv, parseOhlcvCsv, classifyCsvHeader } from './csvFormats';
export { parseJsonCandles } from './jsonCandles';
export { parseFeather, isArrowFile } from './feather';
export { decodeLz4Frame, registerLz4Codec } from './lz4Codec';
export { KNOWN_ETFS, symbolFromEquityFileName, pairFromFileName, type PairName } from './common';
