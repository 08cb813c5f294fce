'use client';

import { useState } from 'react';
import { useSession } from '@/features/auth/session';
import { errorField, errorMessage, request } from '@/shared/graphql/client';
import { Card } from '@/shared/ui/Card';
import { ErrorState } from '@/shared/ui/States';
import {
  ABORT_ROLLOUT,
  PAUSE_ROLLOUT,
  PROMOTE_ROLLOUT,
  RESUME_ROLLOUT,
  type RolloutAction,
  type RolloutStatus,
} from './operations';
import {
  ACTION_BUTTONS,
  manualActions,
  needsConfirmation,
  STATUS_LABELS,
  type ManualAction,
} from './rolloutFormat';
import styles from './rollouts.module.css';

const REASON_MAX = 2000;

async function act(action: ManualAction, id: string, reason: string): Promise<RolloutStatus> {
  const vars = { id, reason };
  switch (action) {
    case 'PAUSE':
      return (await request(PAUSE_ROLLOUT, vars)).pauseRollout.status;
    case 'RESUME':
      return (await request(RESUME_ROLLOUT, vars)).resumeRollout.status;
    case 'PROMOTE':
      return (await request(PROMOTE_ROLLOUT, vars)).promoteRollout.status;
    case 'ABORT':
      return (await request(ABORT_ROLLOUT, vars)).abortRollout.status;
    default: {
      const unknown: never = action;
      throw new Error(`unknown action ${String(unknown)}`);
    }
  }
}

/**
 * The actions the gateway says the signed-in user may take now (`availableActions`), each with a
 * required reason; promote and abort ask to confirm first. A gateway error shows with the field it names.
 */
export function RolloutActions(props: {
  rolloutId: string;
  available: readonly RolloutAction[];
  active: boolean;
  onActed: () => void;
}) {
  const { rolloutId, available, active, onActed } = props;
  const user = useSession();
  const actions = manualActions(available);
  const [chosen, setChosen] = useState<ManualAction | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  if (!active) return null;
  if (actions.length === 0) {
    return (
      <Card title="Actions" testId="rollout-actions-withheld">
        <p className={styles.note}>
          {user && (user.role === 'pm' || user.role === 'admin')
            ? 'No action is open on this rollout now.'
            : 'Only a pm or admin pauses, resumes, promotes or aborts a rollout; you can follow it here.'}
        </p>
      </Card>
    );
  }

  const choose = (a: ManualAction) => {
    setChosen(a);
    setConfirming(false);
    setReasonError(null);
    setError(null);
    setDone(null);
  };

  const submit = async () => {
    if (!chosen) return;
    const why = reason.trim();
    if (!why) return setReasonError('Give a reason; it is kept in the audit trail.');
    if (why.length > REASON_MAX) return setReasonError(`At most ${REASON_MAX} characters.`);
    setReasonError(null);
    if (needsConfirmation(chosen) && !confirming) return setConfirming(true);
    setBusy(true);
    setError(null);
    try {
      const status = await act(chosen, rolloutId, why);
      setDone(`${ACTION_BUTTONS[chosen].label}: the rollout is ${STATUS_LABELS[status]}.`);
      setReason('');
      setChosen(null);
      setConfirming(false);
      onActed();
    } catch (err) {
      const field = errorField(err);
      if (field === 'reason') setReasonError(errorMessage(err));
      else setError(err);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };

  const field = errorField(error);
  return (
    <Card title="Actions" testId="rollout-actions">
      <div className={styles.form}>
        <div className={styles.actions} role="group" aria-label="Rollout actions">
          {actions.map((a) => (
            <button
              key={a}
              type="button"
              className={`btn ${a === chosen ? 'btn-primary' : ''}`}
              aria-pressed={a === chosen}
              disabled={busy}
              onClick={() => choose(a)}
              data-testid={`rollout-action-${a.toLowerCase()}`}
            >
              {ACTION_BUTTONS[a].label}
            </button>
          ))}
        </div>
        {chosen && (
          <form
            className={styles.form}
            aria-label={`${ACTION_BUTTONS[chosen].label} rollout`}
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <p className={styles.note}>{ACTION_BUTTONS[chosen].effect}</p>
            <div className={styles.field}>
              <label className="field-label" htmlFor="rollout-action-reason">
                Reason
              </label>
              <textarea
                id="rollout-action-reason"
                className={`input ${styles.textarea}`}
                rows={2}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                placeholder="why (required; kept in the audit trail)"
                aria-invalid={reasonError ? true : undefined}
                aria-describedby={reasonError ? 'rollout-action-reason-error' : undefined}
              />
              {reasonError && (
                <span id="rollout-action-reason-error" className={styles.fieldError} role="alert">
                  {reasonError}
                </span>
              )}
            </div>
            {confirming ? (
              <div
                className={styles.confirm}
                role="alertdialog"
                aria-label="Confirm"
                data-testid="rollout-confirm"
              >
                <strong>
                  {chosen === 'PROMOTE' ? 'Promote the candidate to production now?' : 'Abort this rollout?'}
                </strong>
                <span>{ACTION_BUTTONS[chosen].effect} This cannot be undone.</span>
                <div className={styles.actions}>
                  <button type="submit" className="btn btn-primary" disabled={busy}>
                    {busy ? 'Working…' : `Yes, ${ACTION_BUTTONS[chosen].label.toLowerCase()}`}
                  </button>
                  <button type="button" className="btn" disabled={busy} onClick={() => setConfirming(false)}>
                    Cancel
                  </button>
                </div>
              </div>
            ) : (
              <div className={styles.actions}>
                <button type="submit" className="btn btn-primary" disabled={busy}>
                  {busy ? 'Working…' : `${ACTION_BUTTONS[chosen].label} rollout`}
                </button>
                <button type="button" className="btn" disabled={busy} onClick={() => setChosen(null)}>
                  Cancel
                </button>
              </div>
            )}
          </form>
        )}
        {error !== null && (
          <div data-testid="rollout-action-error">
            {field && <p className={styles.fieldError}>Field: {field}</p>}
            <ErrorState error={error} compact />
          </div>
        )}
        {done && (
          <div className={styles.success} role="status">
            {done}
          </div>
        )}
      </div>
    </Card>
  );
}
