import { DECISION_ID_HELP, parseDecisionId } from './decisionId';

/**
 * The explorer's state lives in the URL (`/forensics?id=…&symbol=…&from=…&to=…`), so a link
 * opens the same explanation and list. `from` and `to` are UTC, as `YYYY-MM-DDTHH:MM` (what a
 * datetime-local input holds) or a plain date.
 */
export interface ForensicsQuery {
  id: string;
  symbol: string;
  from: string;
  to: string;
}

export type ForensicsField = keyof ForensicsQuery;
export type ForensicsErrors = Partial<Record<ForensicsField, string>>;

export const EMPTY_QUERY: ForensicsQuery = { id: '', symbol: '', from: '', to: '' };

/** The engine's symbols (letters, digits, `.`, `_`, `-`), as the gateway checks them. */
const SYMBOL = /^[A-Z0-9][A-Z0-9._-]{0,31}$/;
const UTC_MINUTE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?$/;

export function readForensicsQuery(params: { get(name: string): string | null }): ForensicsQuery {
  return {
    id: params.get('id')?.trim() ?? '',
    symbol: params.get('symbol')?.trim().toUpperCase() ?? '',
    from: params.get('from')?.trim() ?? '',
    to: params.get('to')?.trim() ?? '',
  };
}

export function forensicsHref(query: ForensicsQuery): string {
  const params = new URLSearchParams();
  for (const key of ['id', 'symbol', 'from', 'to'] as const) if (query[key]) params.set(key, query[key]);
  const search = params.toString();
  return search ? `/forensics?${search}` : '/forensics';
}

/** A UTC date-time as typed (`2026-03-01T14:30`, `2026-03-01`) → ISO 8601, or null. */
export function parseUtcDateTime(raw: string): string | null {
  if (!UTC_MINUTE.test(raw)) return null;
  const iso = raw.length === 10 ? `${raw}T00:00:00.000Z` : `${raw}Z`;
  const ms = Date.parse(iso);
  // Date.parse rolls 2026-02-30 over to March: a real date reads back the same.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== raw.slice(0, 10)) return null;
  return new Date(ms).toISOString();
}

export interface CheckedQuery {
  errors: ForensicsErrors;
  /** The decision to explain, canonical; null when none is asked for or the id is malformed. */
  id: string | null;
  /** The list's filters, or null while one of them is wrong. */
  search: { symbol: string | null; from: string | null; to: string | null } | null;
}

/** Checks the query as the gateway will, so a mistake is named at its field before any request. */
export function checkForensicsQuery(query: ForensicsQuery): CheckedQuery {
  const errors: ForensicsErrors = {};
  const id = query.id ? parseDecisionId(query.id) : null;
  if (query.id && !id) errors.id = `Not a decision id. ${DECISION_ID_HELP}`;
  const symbol = query.symbol.toUpperCase();
  if (symbol && !SYMBOL.test(symbol))
    errors.symbol = 'A symbol is letters, digits, ".", "_" or "-" (at most 32).';
  const from = query.from ? parseUtcDateTime(query.from) : null;
  const to = query.to ? parseUtcDateTime(query.to) : null;
  if (query.from && !from) errors.from = 'Not a date and time (UTC).';
  if (query.to && !to) errors.to = 'Not a date and time (UTC).';
  if (from && to && from >= to) errors.to = 'To must be later than From.';
  const searchOk = !errors.symbol && !errors.from && !errors.to;
  return { errors, id, search: searchOk ? { symbol: symbol || null, from, to } : null };
}

/** The explorer's field for a gateway BAD_USER_INPUT `extensions.field` (`first`, `after` have none). */
export function forensicsFieldOf(field: string | undefined): ForensicsField | undefined {
  return field === 'id' || field === 'symbol' || field === 'from' || field === 'to' ? field : undefined;
}
