'use client';

import { useState } from 'react';
import { useSession } from '@/features/auth/session';
import { errorField, errorMessage, request } from '@/shared/graphql/client';
import { ErrorState } from '@/shared/ui/States';
import { MOVE_MODEL_STAGE } from './operations';
import { allowedTargets, TARGET_STAGES, type ModelStage } from './stagePolicy';
import styles from './models.module.css';

const REASON_MAX = 2000;

/**
 * "Move to …" with a required reason. Only the moves the signed-in role may make are offered
 * (the gateway enforces the same policy and answers FORBIDDEN otherwise, shown as it comes).
 */
export function MoveStageForm(props: {
  modelName: string;
  version: number;
  stage: ModelStage;
  onMoved: () => void;
}) {
  const { modelName, version, stage, onMoved } = props;
  const user = useSession();
  const targets = allowedTargets(stage, user?.role ?? null);
  const withheld = TARGET_STAGES.filter((s) => s !== stage && !targets.includes(s));
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [busy, setBusy] = useState<ModelStage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const move = async (to: ModelStage) => {
    const why = reason.trim();
    if (!why) {
      setReasonError('Give a reason for the move; it is kept in the stage history.');
      return;
    }
    if (why.length > REASON_MAX) {
      setReasonError(`At most ${REASON_MAX} characters.`);
      return;
    }
    setReasonError(null);
    setError(null);
    setDone(null);
    setBusy(to);
    try {
      const { moveModelStage } = await request(MOVE_MODEL_STAGE, {
        input: { modelName, version, to, reason: why },
      });
      const archived = moveModelStage.archived;
      setDone(
        `Moved v${moveModelStage.version.version} to ${moveModelStage.version.stage}` +
          (archived ? `; v${archived.version}, which held it, is archived.` : '.'),
      );
      setReason('');
      onMoved();
    } catch (err) {
      if (errorField(err) === 'input.reason') setReasonError(errorMessage(err));
      else setError(err);
    } finally {
      setBusy(null);
    }
  };

  if (!user || user.role === 'viewer') {
    return <p className={styles.note}>Viewers can read the registry; a quant, pm or admin moves stages.</p>;
  }

  return (
    <div className={styles.form} data-testid="move-stage">
      <div className={styles.field}>
        <label className="field-label" htmlFor="move-reason">
          Reason
        </label>
        <textarea
          id="move-reason"
          className={`input ${styles.textarea}`}
          rows={2}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="why this version moves (required)"
          aria-invalid={reasonError ? true : undefined}
          aria-describedby={reasonError ? 'move-reason-error' : undefined}
        />
        {reasonError && (
          <span id="move-reason-error" className={styles.fieldError} role="alert">
            {reasonError}
          </span>
        )}
      </div>
      <div className={styles.actions} role="group" aria-label="Move to stage">
        {targets.length === 0 && <span className="dim">No move is open to your role from {stage}.</span>}
        {targets.map((to) => (
          <button
            key={to}
            type="button"
            className={`btn ${to === 'production' ? 'btn-primary' : ''}`}
            disabled={busy !== null}
            onClick={() => void move(to)}
          >
            {busy === to ? 'Moving…' : `Move to ${to}`}
          </button>
        ))}
      </div>
      {withheld.length > 0 && (
        <p className={styles.note}>Only a pm or admin moves a version into or out of canary or production.</p>
      )}
      {error !== null && <ErrorState error={error} compact />}
      {done && (
        <div className={styles.success} role="status">
          {done}
        </div>
      )}
    </div>
  );
}
