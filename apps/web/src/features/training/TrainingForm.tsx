'use client';

import { useState, type FormEvent, type ReactNode } from 'react';
import { errorField, errorMessage, request } from '@/shared/graphql/client';
import { ErrorState } from '@/shared/ui/States';
import { START_TRAINING, type TrainingJob } from './operations';
import {
  checkTrainingForm,
  DEFAULT_EXPERIMENT,
  DEFAULT_MODEL_NAME,
  DEFAULT_TRAINING_FORM,
  parseSymbols,
  trainingFieldOf,
  type SplitField,
  type TrainingErrors,
  type TrainingField,
  type TrainingFormValues,
} from './trainingConfig';
import styles from './training.module.css';

const ID = 'training';

function FieldError({ field, message }: { field: TrainingField; message: string | undefined }) {
  return message ? (
    <span id={`${ID}-${field}-error`} className={styles.fieldError} role="alert">
      {message}
    </span>
  ) : null;
}

/** Starts a training run on the workers (quant, admin): regime HMM, specialists and meta-controller. */
export function TrainingForm(props: { onStarted: (job: TrainingJob) => void }) {
  const { onStarted } = props;
  const [values, setValues] = useState<TrainingFormValues>(DEFAULT_TRAINING_FORM);
  const [errors, setErrors] = useState<TrainingErrors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<string | null>(null);

  const set = (field: keyof TrainingFormValues) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    // A corrected field loses its message; the others keep theirs until the next submit.
    setErrors((e) => (e[field] ? { ...e, [field]: undefined } : e));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const check = checkTrainingForm(values);
    setErrors(check.errors);
    setFormError(null);
    setStarted(null);
    if (!check.ok) return;
    setBusy(true);
    try {
      const { startTraining: job } = await request(START_TRAINING, { config: check.config });
      setStarted(job.id);
      onStarted(job);
    } catch (err) {
      // A BAD_USER_INPUT naming a field shows at that field; anything else (FORBIDDEN…) above the button.
      const field = trainingFieldOf(errorField(err));
      if (field) setErrors({ [field]: errorMessage(err) });
      else setFormError(err);
    } finally {
      setBusy(false);
    }
  };

  const input = (
    field: Exclude<keyof TrainingFormValues, SplitField>,
    label: string,
    extra: { placeholder?: string; hint?: ReactNode; inputMode?: 'numeric' | 'decimal'; mono?: boolean } = {},
  ) => {
    const hintId = extra.hint ? `${ID}-${field}-hint` : undefined;
    const errorId = errors[field] ? `${ID}-${field}-error` : undefined;
    return (
      <div className={styles.field}>
        <label className="field-label" htmlFor={`${ID}-${field}`}>
          {label}
        </label>
        <input
          id={`${ID}-${field}`}
          name={field}
          className={`input ${extra.mono ? 'mono' : ''}`}
          value={values[field]}
          onChange={(e) => set(field)(e.target.value)}
          placeholder={extra.placeholder}
          inputMode={extra.inputMode}
          aria-invalid={errors[field] ? true : undefined}
          aria-describedby={[errorId, hintId].filter(Boolean).join(' ') || undefined}
          autoComplete="off"
          spellCheck={false}
        />
        {extra.hint && (
          <span id={hintId} className={styles.hint}>
            {extra.hint}
          </span>
        )}
        <FieldError field={field} message={errors[field]} />
      </div>
    );
  };

  const date = (field: SplitField, label: string) => {
    const errorId = errors[field] ? `${ID}-${field}-error` : undefined;
    return (
      <div className={styles.field}>
        <label className="field-label" htmlFor={`${ID}-${field}`}>
          {label}
        </label>
        <input
          id={`${ID}-${field}`}
          name={field}
          type="date"
          className="input mono"
          value={values[field]}
          onChange={(e) => set(field)(e.target.value)}
          aria-invalid={errors[field] ? true : undefined}
          aria-describedby={errorId}
        />
        <FieldError field={field} message={errors[field]} />
      </div>
    );
  };

  const symbols = parseSymbols(values.universe);
  const market = values.market.trim().toUpperCase() || 'the market';

  return (
    <form className={styles.form} onSubmit={submit} aria-label="Start training" noValidate>
      <div className={styles.row}>
        {input('market', 'Market', { placeholder: 'SPY', mono: true, hint: 'Conditions the regime model.' })}
        {input('universe', 'Universe', {
          placeholder: 'SPY, QQQ, TLT',
          mono: true,
          hint:
            symbols.length > 0
              ? `${symbols.length} symbol${symbols.length === 1 ? '' : 's'}: ${symbols.join(' ')}`
              : `Empty: ${market} only.`,
        })}
      </div>
      <fieldset className={styles.splits}>
        <legend>Splits (inclusive)</legend>
        <span className={styles.splitName}>Train</span>
        {date('trainFrom', 'Train from')}
        {date('trainTo', 'Train to')}
        <span className={styles.splitName}>Validation</span>
        {date('validationFrom', 'Validation from')}
        {date('validationTo', 'Validation to')}
        <span className={styles.splitName}>Test</span>
        {date('testFrom', 'Test from')}
        {date('testTo', 'Test to')}
      </fieldset>
      <div className={styles.row}>
        {input('seed', 'Seed', { inputMode: 'numeric', mono: true })}
        {input('costBps', 'Costs (bps per unit turnover)', { inputMode: 'decimal', mono: true })}
      </div>
      <div className={styles.row}>
        {input('modelName', 'Model name', { placeholder: DEFAULT_MODEL_NAME, hint: 'Optional.' })}
        {input('experiment', 'Experiment', { placeholder: DEFAULT_EXPERIMENT, hint: 'Optional.' })}
      </div>
      {formError !== null && <ErrorState error={formError} compact />}
      {started && (
        <div className={styles.success} role="status">
          Training job <span className="mono">{started}</span> queued.
        </div>
      )}
      <div className={styles.actions}>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Starting…' : 'Start training'}
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => {
            setValues(DEFAULT_TRAINING_FORM);
            setErrors({});
            setFormError(null);
          }}
        >
          Reset to defaults
        </button>
      </div>
    </form>
  );
}
