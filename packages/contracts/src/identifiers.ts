/**
 * The one rule for each identifier clients send: the engine's API, the CLI and the paper
 * trading client all validate with these.
 */

/** An instrument symbol, case-insensitive (upper-cased where it is used). */
export const SYMBOL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

/** A portfolio (book) id, the outcome ledger's grouping key: predict and replays alike. */
export const PORTFOLIO_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
