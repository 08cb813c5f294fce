'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { hasRole, useSession } from '@/features/auth/session';
import { errorField, errorMessage, request } from '@/shared/graphql/client';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { ErrorState, Loading } from '@/shared/ui/States';
import {
  ROLLOUT_START_OPTIONS,
  START_ROLLOUT,
  type RolloutKind,
  type RolloutPlanDefaults,
} from './operations';
import {
  abStep,
  ANALYSIS_FIELDS,
  candidateVersions,
  checkStartForm,
  DECISION_MODEL_NAMES,
  GUARD_FIELDS,
  startFormDefaults,
  startFormFieldOf,
  type StartFormErrors,
  type StartFormValues,
  type StepValues,
} from './startForm';
import styles from './rollouts.module.css';

const ID = 'start-rollout';
const domId = (field: string) => `${ID}-${field.replace(/\./g, '-')}`;

const ANALYSIS_LABELS: Record<(typeof ANALYSIS_FIELDS)[number], string> = {
  alpha: 'α (error rate per verdict)',
  mixtureSd: 'Mixture sd (effect sizes, in sd of d)',
  marginBps: 'Non-inferiority margin (bp / decision)',
  minSamples: 'Min paired decisions before a verdict',
};

const GUARD_LABELS: Record<(typeof GUARD_FIELDS)[number], string> = {
  'sharpeDrop.windowDays': 'Sharpe drop: window (days)',
  'sharpeDrop.maxDropPct': 'Sharpe drop: max drop (%)',
  'sharpeDrop.minDecisions': 'Sharpe drop: min decisions',
  'latency.p95Ms': 'Latency: P95 limit (ms)',
  'latency.windowMinutes': 'Latency: window (min)',
  'latency.minDecisions': 'Latency: min decisions',
  'crashes.maxCrashes': 'Crashes: max',
  'crashes.windowHours': 'Crashes: window (h)',
  'riskViolations.maxViolations': 'Risk violations: max per session',
};

function FieldError({ field, errors }: { field: string; errors: StartFormErrors }) {
  const message = errors[field];
  if (!message) return null;
  return (
    <span id={`${domId(field)}-error`} className={styles.fieldError} role="alert">
      {message}
    </span>
  );
}

/** "Start rollout" for pm/admin (hidden for other roles): candidate versions, kind, plan, parameters, reason. */
export function StartRolloutForm() {
  const user = useSession();
  const allowed = hasRole(user, 'pm', 'admin');
  const options = useQuery(ROLLOUT_START_OPTIONS, allowed ? {} : null);
  if (!allowed) return null;
  return (
    <Card title="Start a rollout" testId="start-rollout">
      {options.error && !options.data ? (
        <ErrorState error={options.error} onRetry={options.reload} />
      ) : !options.data ? (
        <Loading>Loading the plan defaults and the registry…</Loading>
      ) : (
        <StartForm options={options.data} />
      )}
    </Card>
  );
}

function StartForm({ options }: { options: NonNullable<(typeof ROLLOUT_START_OPTIONS)['__data']> }) {
  const defaults: RolloutPlanDefaults = options.rolloutPlanDefaults;
  const router = useRouter();
  const [values, setValues] = useState<StartFormValues>(() => startFormDefaults(defaults));
  const [errors, setErrors] = useState<StartFormErrors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [advancedOpen, setAdvancedOpen] = useState(false);

  const clear = (field: string) => setErrors((e) => (e[field] ? { ...e, [field]: '' } : e));
  const setKind = (kind: RolloutKind) => {
    setValues((v) => ({
      ...v,
      kind,
      steps: kind === 'AB' ? [abStep(defaults)] : startFormDefaults(defaults).steps,
    }));
    setErrors({});
  };
  const setStep = (i: number, field: keyof StepValues, value: string) => {
    setValues((v) => ({ ...v, steps: v.steps.map((s, j) => (j === i ? { ...s, [field]: value } : s)) }));
    clear(`steps.${i}.${field}`);
  };
  const addStep = () =>
    setValues((v) => {
      const last = v.steps.at(-1);
      const percent = last ? Math.min(100, Number(last.percent) + 10) : 0;
      return {
        ...v,
        steps: [
          ...v.steps,
          {
            percent: String(Number.isFinite(percent) ? percent : 100),
            minDecisions: last?.minDecisions ?? '200',
            maxDurationMinutes: last?.maxDurationMinutes ?? String(3 * 24 * 60),
          },
        ],
      };
    });
  const removeStep = (i: number) => {
    setValues((v) => ({ ...v, steps: v.steps.filter((_, j) => j !== i) }));
    setErrors({});
  };

  const submit = async () => {
    setFormError(null);
    const check = checkStartForm(values);
    if (!check.ok) {
      setErrors(check.errors);
      if (Object.keys(check.errors).some((k) => k.startsWith('analysis.') || k.startsWith('guards.')))
        setAdvancedOpen(true);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const { startRollout } = await request(START_ROLLOUT, { input: check.input });
      router.push(`/rollouts/${encodeURIComponent(startRollout.id)}`);
    } catch (err) {
      // A BAD_USER_INPUT naming a field shows at that field; anything else (FORBIDDEN, a rollout already active…) above the button.
      const field = startFormFieldOf(errorField(err), check.input);
      if (field) {
        setErrors({ [field]: errorMessage(err) });
        if (field.startsWith('analysis.') || field.startsWith('guards.')) setAdvancedOpen(true);
      } else setFormError(err);
    } finally {
      setBusy(false);
    }
  };

  const numberInput = (field: string, value: string, onChange: (v: string) => void, label: string) => (
    <div className={styles.field} key={field}>
      <label className="field-label" htmlFor={domId(field)}>
        {label}
      </label>
      <input
        id={domId(field)}
        name={field}
        className="input mono"
        inputMode="decimal"
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
          clear(field);
        }}
        aria-invalid={errors[field] ? true : undefined}
        aria-describedby={errors[field] ? `${domId(field)}-error` : undefined}
      />
      <FieldError field={field} errors={errors} />
    </div>
  );

  const models = new Map(options.registeredModels.map((m) => [m.name, m.versions]));
  return (
    <form
      className={styles.form}
      aria-label="Start rollout"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {options.activeRollout && (
        <p className={styles.note} data-testid="start-rollout-active">
          A rollout is active ({options.activeRollout.candidateLabel}); the controller runs one at a time.
        </p>
      )}
      <fieldset className={styles.fieldset}>
        <legend>Candidate versions</legend>
        <div className={styles.formRow}>
          {DECISION_MODEL_NAMES.map((name) => {
            const versions = candidateVersions(models.get(name) ?? []);
            const production = models.get(name)?.find((v) => v.stage === 'production');
            const field = `candidate.${name}`;
            return (
              <div className={styles.field} key={name}>
                <label className="field-label" htmlFor={domId(field)}>
                  {name}
                </label>
                <select
                  id={domId(field)}
                  name={field}
                  className="input mono"
                  value={values.candidate[name] ?? ''}
                  onChange={(e) => {
                    const version = e.target.value;
                    setValues((v) => ({ ...v, candidate: { ...v.candidate, [name]: version } }));
                    clear(field);
                    clear('candidate');
                  }}
                  aria-invalid={errors[field] ? true : undefined}
                >
                  <option value="">
                    {production ? `production v${production.version} (keep)` : 'no production version'}
                  </option>
                  {versions.map((v) => (
                    <option key={v.version} value={String(v.version)}>
                      v{v.version} ({v.stage})
                    </option>
                  ))}
                </select>
                <FieldError field={field} errors={errors} />
              </div>
            );
          })}
        </div>
        <FieldError field="candidate" errors={errors} />
      </fieldset>

      <div className={styles.toolbar}>
        <span className={styles.toolbarLabel}>Kind</span>
        <div className="seg" role="group" aria-label="Kind">
          <button type="button" aria-pressed={values.kind === 'ROLLOUT'} onClick={() => setKind('ROLLOUT')}>
            rollout (shadow → canary → production)
          </button>
          <button type="button" aria-pressed={values.kind === 'AB'} onClick={() => setKind('AB')}>
            A/B test (one split)
          </button>
        </div>
        <FieldError field="kind" errors={errors} />
      </div>

      <fieldset className={styles.fieldset}>
        <legend>Steps</legend>
        <table className={`table ${styles.stepsTable}`} aria-label="Plan steps">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Canary share (%, 0 = shadow)</th>
              <th>Min decisions</th>
              <th>Max duration (min)</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {values.steps.map((s, i) => (
              <tr key={i} data-testid="plan-step">
                <td className="num">{i + 1}</td>
                {(['percent', 'minDecisions', 'maxDurationMinutes'] as const).map((f) => {
                  const field = `steps.${i}.${f}`;
                  return (
                    <td key={f}>
                      <input
                        id={domId(field)}
                        name={field}
                        aria-label={`Step ${i + 1} ${f}`}
                        className="input mono"
                        inputMode="decimal"
                        value={s[f]}
                        onChange={(e) => setStep(i, f, e.target.value)}
                        aria-invalid={errors[field] ? true : undefined}
                        aria-describedby={errors[field] ? `${domId(field)}-error` : undefined}
                      />
                      <FieldError field={field} errors={errors} />
                    </td>
                  );
                })}
                <td>
                  <button
                    type="button"
                    className="btn btn-sm"
                    onClick={() => removeStep(i)}
                    disabled={values.steps.length <= 1}
                    aria-label={`Remove step ${i + 1}`}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {values.kind === 'ROLLOUT' && (
          <button type="button" className="btn btn-sm" onClick={addStep}>
            Add step
          </button>
        )}
        <FieldError field="steps" errors={errors} />
      </fieldset>

      <details
        className={styles.details}
        open={advancedOpen}
        onToggle={(e) => setAdvancedOpen((e.currentTarget as HTMLDetailsElement).open)}
      >
        <summary>Advanced: the sequential test and the guards</summary>
        <fieldset className={styles.fieldset}>
          <legend>Sequential test</legend>
          <div className={styles.formRow}>
            {ANALYSIS_FIELDS.map((f) =>
              numberInput(
                `analysis.${f}`,
                values.analysis[f],
                (v) => setValues((x) => ({ ...x, analysis: { ...x.analysis, [f]: v } })),
                ANALYSIS_LABELS[f],
              ),
            )}
          </div>
        </fieldset>
        <fieldset className={styles.fieldset}>
          <legend>Guards (each rolls back at once)</legend>
          <div className={styles.formRow}>
            {GUARD_FIELDS.map((f) =>
              numberInput(
                `guards.${f}`,
                values.guards[f],
                (v) => setValues((x) => ({ ...x, guards: { ...x.guards, [f]: v } })),
                GUARD_LABELS[f],
              ),
            )}
          </div>
        </fieldset>
      </details>

      <div className={styles.field}>
        <label className="field-label" htmlFor={domId('reason')}>
          Reason
        </label>
        <textarea
          id={domId('reason')}
          name="reason"
          className={`input ${styles.textarea}`}
          rows={2}
          value={values.reason}
          onChange={(e) => {
            const reason = e.target.value;
            setValues((v) => ({ ...v, reason }));
            clear('reason');
          }}
          placeholder="why this candidate is rolled out (required; kept in the audit trail)"
          aria-invalid={errors.reason ? true : undefined}
          aria-describedby={errors.reason ? `${domId('reason')}-error` : undefined}
        />
        <FieldError field="reason" errors={errors} />
      </div>
      {formError !== null && <ErrorState error={formError} compact />}
      <div className={styles.actions}>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Starting…' : values.kind === 'AB' ? 'Start A/B test' : 'Start rollout'}
        </button>
      </div>
    </form>
  );
}
