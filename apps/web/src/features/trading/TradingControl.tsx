'use client';

import { useState } from 'react';
import { hasRole, useSession } from '@/features/auth/session';
import { errorField, errorMessage, request } from '@/shared/graphql/client';
import { formatTimestamp } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import { ErrorState, Loading } from '@/shared/ui/States';
import { HALT_TRADING, RESUME_TRADING } from './operations';
import { useTradingState } from './TradingStateProvider';
import styles from './trading.module.css';

const REASON_MAX = 2000;

/**
 * The trading state for everyone, and "Halt trading" / "Resume trading" with a required reason
 * for a pm or admin (the gateway enforces the same and answers FORBIDDEN otherwise).
 */
export function TradingControl() {
  const user = useSession();
  const { state, error, liveError, apply } = useTradingState();
  const canControl = hasRole(user, 'pm', 'admin');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);

  const act = async () => {
    if (!state) return;
    const why = reason.trim();
    if (!why) {
      setReasonError(`Give a reason: it goes into the audit log.`);
      return;
    }
    if (why.length > REASON_MAX) {
      setReasonError(`At most ${REASON_MAX} characters.`);
      return;
    }
    setReasonError(null);
    setFailure(null);
    setNote(null);
    setBusy(true);
    try {
      const change = state.halted
        ? (await request(RESUME_TRADING, { reason: why })).resumeTrading
        : (await request(HALT_TRADING, { reason: why })).haltTrading;
      apply(change.state);
      setReason('');
      if (!change.changed) {
        setNote(
          change.state.halted
            ? `Trading was already halted by ${change.state.actorName ?? change.state.actor}.`
            : 'Trading was already running.',
        );
      }
    } catch (err) {
      if (errorField(err) === 'reason') setReasonError(errorMessage(err));
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  let body;
  if (!state && error) body = <ErrorState error={error} compact />;
  else if (!state) body = <Loading>Reading the trading state…</Loading>;
  else {
    body = (
      <div className={styles.control}>
        <div className={styles.stateLine}>
          <span
            className={`${styles.stateChip} ${state.halted ? styles.halted : styles.trading}`}
            data-testid="trading-state"
            data-halted={String(state.halted)}
          >
            {state.halted ? 'halted' : 'trading'}
          </span>
          {state.halted ? (
            <span>
              {state.cause} · since <span className="mono">{formatTimestamp(state.since)}</span> by{' '}
              <span className="mono">{state.actorName ?? state.actor}</span>
            </span>
          ) : (
            state.since && (
              <span className="dim">
                last resumed <span className="mono">{formatTimestamp(state.since)}</span> by{' '}
                <span className="mono">{state.actorName ?? state.actor}</span>
              </span>
            )
          )}
          {liveError && (
            <span className={styles.liveWarn} title={liveError}>
              live updates unavailable; re-reading every 15 s
            </span>
          )}
        </div>
        {canControl ? (
          <div className={styles.form} data-testid="trading-control">
            <label className="field-label" htmlFor="trading-reason">
              Reason
            </label>
            <div className={styles.formRow}>
              <input
                id="trading-reason"
                className="input"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') void act();
                }}
                placeholder={
                  state.halted ? 'why trading may resume (required)' : 'why trading stops (required)'
                }
                aria-invalid={reasonError ? true : undefined}
                aria-describedby={reasonError ? 'trading-reason-error' : undefined}
              />
              <button
                type="button"
                className={`btn ${state.halted ? 'btn-primary' : styles.haltButton}`}
                disabled={busy}
                onClick={() => void act()}
              >
                {busy ? 'Sending…' : state.halted ? 'Resume trading' : 'Halt trading'}
              </button>
            </div>
            {reasonError && (
              <span id="trading-reason-error" className={styles.fieldError} role="alert">
                {reasonError}
              </span>
            )}
            {failure !== null && <ErrorState error={failure} compact />}
            {note && (
              <span className="dim" role="status">
                {note}
              </span>
            )}
          </div>
        ) : (
          <p className={styles.note} data-testid="trading-control-withheld">
            A pm or admin halts and resumes trading.
          </p>
        )}
      </div>
    );
  }
  return (
    <Card title="Trading" testId="trading-card">
      {body}
    </Card>
  );
}
