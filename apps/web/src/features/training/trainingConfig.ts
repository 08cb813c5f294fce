import type { TrainingConfigInput, TrainingSplitsInput } from './operations';

/**
 * The "Train models" form: its values as typed, the defaults the gateway applies, and the
 * client-side checks that mirror the gateway's (dates ordered and non-overlapping, seed an
 * integer ≥ 0, costs ≥ 0), so most mistakes show before a request.
 */

export const SPLIT_FIELDS = [
  'trainFrom',
  'trainTo',
  'validationFrom',
  'validationTo',
  'testFrom',
  'testTo',
] as const satisfies readonly (keyof TrainingSplitsInput)[];
export type SplitField = (typeof SPLIT_FIELDS)[number];

export type TrainingField =
  'market' | 'universe' | 'seed' | 'costBps' | 'modelName' | 'experiment' | SplitField;
export type TrainingErrors = Partial<Record<TrainingField, string>>;

/** What the inputs hold: strings, as typed. */
export interface TrainingFormValues extends TrainingSplitsInput {
  market: string;
  /** Symbols separated by commas or spaces; empty = the market only. */
  universe: string;
  seed: string;
  costBps: string;
  modelName: string;
  experiment: string;
}

/** Train 1994–2005, validation 2006–2011, test 2012–2018 (the gateway's defaults). */
export const DEFAULT_SPLITS: TrainingSplitsInput = {
  trainFrom: '1994-01-01',
  trainTo: '2005-12-31',
  validationFrom: '2006-01-01',
  validationTo: '2011-12-31',
  testFrom: '2012-01-01',
  testTo: '2018-12-31',
};

export const DEFAULT_MODEL_NAME = 'tradeplane-blend';
export const DEFAULT_EXPERIMENT = 'training';

export const DEFAULT_TRAINING_FORM: TrainingFormValues = {
  market: 'SPY',
  universe: '',
  ...DEFAULT_SPLITS,
  seed: '42',
  costBps: '5',
  modelName: '',
  experiment: '',
};

// The limits of `trainingPayload` in @tradeplane/contracts (its parity test is trainingConfig.test.ts).
/** Ticker: 1 to 16 letters, digits, `.`, `-` or `^` (BRK.B, ^VIX); upper-cased first. */
const SYMBOL = /^[A-Z0-9.^-]{1,16}$/;
const MAX_UNIVERSE = 100;
const MAX_SEED = 2 ** 31 - 1;
const MAX_COST_BPS = 1000;
/** Lowercase letters, digits and dashes (the registered model's name). */
const MODEL_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MAX_EXPERIMENT = 200;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` that names a real calendar day. */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** Upper-cased, de-duplicated symbols of a comma/space separated list, in the order typed. */
export function parseSymbols(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const s = raw.trim().toUpperCase();
    if (s && !out.includes(s)) out.push(s);
  }
  return out;
}

const SPLIT_LABEL: Record<'train' | 'validation' | 'test', string> = {
  train: 'Train',
  validation: 'Validation',
  test: 'Test',
};

function checkSplits(v: TrainingSplitsInput, errors: TrainingErrors): void {
  for (const f of SPLIT_FIELDS) {
    if (!isIsoDate(v[f].trim())) errors[f] = 'A date, YYYY-MM-DD.';
  }
  // ISO dates compare as strings. Each period runs from ≤ to; the next starts after the previous ends.
  const periods = ['train', 'validation', 'test'] as const;
  for (const p of periods) {
    const from = `${p}From` as SplitField;
    const to = `${p}To` as SplitField;
    if (!errors[from] && !errors[to] && v[from].trim() > v[to].trim()) {
      errors[to] = `${SPLIT_LABEL[p]} must end on or after its start.`;
    }
  }
  for (let i = 1; i < periods.length; i++) {
    const prev = periods[i - 1]!;
    const cur = periods[i]!;
    const prevTo = `${prev}To` as SplitField;
    const curFrom = `${cur}From` as SplitField;
    if (!errors[prevTo] && !errors[curFrom] && v[curFrom].trim() <= v[prevTo].trim()) {
      errors[curFrom] =
        `${SPLIT_LABEL[cur]} must start after ${SPLIT_LABEL[prev].toLowerCase()} ends (${v[prevTo].trim()}).`;
    }
  }
}

export type TrainingCheck =
  { ok: true; config: TrainingConfigInput; errors: TrainingErrors } | { ok: false; errors: TrainingErrors };

/** Validates the form and builds the `startTraining` config (blank optional fields left to the gateway's defaults). */
export function checkTrainingForm(v: TrainingFormValues): TrainingCheck {
  const errors: TrainingErrors = {};

  const market = v.market.trim().toUpperCase();
  if (!market) errors.market = 'Name the market symbol, e.g. SPY.';
  else if (!SYMBOL.test(market)) errors.market = `"${market}" is not a symbol.`;

  const universe = parseSymbols(v.universe);
  const bad = universe.filter((s) => !SYMBOL.test(s));
  if (bad.length > 0) errors.universe = `Not symbols: ${bad.join(', ')}.`;
  else if (universe.length > MAX_UNIVERSE) errors.universe = `At most ${MAX_UNIVERSE} symbols.`;

  checkSplits(v, errors);

  const seedText = v.seed.trim();
  const seed = Number(seedText);
  if (!/^\d+$/.test(seedText) || !Number.isSafeInteger(seed)) errors.seed = 'A whole number ≥ 0.';
  else if (seed > MAX_SEED) errors.seed = `At most ${MAX_SEED}.`;

  const costText = v.costBps.trim();
  const costBps = Number(costText);
  if (costText === '' || !Number.isFinite(costBps)) errors.costBps = 'A number of basis points ≥ 0.';
  else if (costBps < 0) errors.costBps = 'Costs cannot be negative.';
  else if (costBps > MAX_COST_BPS) errors.costBps = `At most ${MAX_COST_BPS} bps.`;

  const modelName = v.modelName.trim();
  if (modelName && !MODEL_NAME.test(modelName)) {
    errors.modelName = 'Up to 63 lowercase letters, digits and dashes, starting with a letter or digit.';
  }
  const experiment = v.experiment.trim();
  if (experiment.length > MAX_EXPERIMENT) errors.experiment = `At most ${MAX_EXPERIMENT} characters.`;

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    errors,
    config: {
      market,
      universe: universe.length > 0 ? universe : null,
      splits: {
        trainFrom: v.trainFrom.trim(),
        trainTo: v.trainTo.trim(),
        validationFrom: v.validationFrom.trim(),
        validationTo: v.validationTo.trim(),
        testFrom: v.testFrom.trim(),
        testTo: v.testTo.trim(),
      },
      seed,
      costBps,
      modelName: modelName || null,
      experiment: experiment || null,
    },
  };
}

const FIELDS: ReadonlySet<string> = new Set<TrainingField>([
  'market',
  'universe',
  'seed',
  'costBps',
  'modelName',
  'experiment',
  ...SPLIT_FIELDS,
]);

/**
 * The form field a gateway `extensions.field` names: `config.splits.testFrom`, `config.universe[2]`,
 * `universe.1`, `seed` … A bare `splits` points at the first split date.
 */
export function trainingFieldOf(path: string | undefined): TrainingField | null {
  if (!path) return null;
  const parts = path
    .replace(/\[\d+\]/g, '')
    .split('.')
    .filter((p) => p !== '' && !/^\d+$/.test(p));
  const last = parts.at(-1);
  if (last === undefined) return null;
  if (FIELDS.has(last)) return last as TrainingField;
  if (last === 'splits') return 'trainFrom';
  return null;
}
