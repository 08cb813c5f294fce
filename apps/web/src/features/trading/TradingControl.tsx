'use client';

import { useState } from 'react';
import { hasRole, useSession } from '@/features/auth/session';
import { errorField, errorMessage, request } from '@/shared/graphql/client';
import { formatTimestamp } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import { ErrorState, Loading } from '@/shared/ui/States';
import { HALT_TRADING, RESUME_TRADING } from './operations';
import { useTradingState } from './TradingStateProvider';
import { tradingStateView } from './tradingStateView';
import styles from './trading.module.css';

const REASON_MAX = 2000;

/**
 * The trading state for everyone, and "Halt trading" / "Resume trading" with a required reason
 * for a pm or admin (the gateway enforces the same and answers FORBIDDEN otherwise).
 */
export function TradingControl() {
  const user = useSession();
  const { status, error, liveError, apply } = useTradingState();
  const canControl = hasRole(user, 'pm', 'admin');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);

  const act = async () => {
    if (!status) return;
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
      const change =
        tradingStateView(status.state).action === 'resume'
          ? (await request(RESUME_TRADING, { reason: why })).resumeTrading
          : (await request(HALT_TRADING, { reason: why })).haltTrading;
      apply(change.state);
      setReason('');
      if (!change.changed) {
        setNote(
          change.state.state === 'HALTED'
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
  if (!status && error) body = <ErrorState error={error} compact />;
  else if (!status) body = <Loading>Reading the trading state…</Loading>;
  else {
    const view = tradingStateView(status.state);
    const resumes = view.action === 'resume';
    body = (
      <div className={styles.control}>
        <div className={styles.stateLine}>
          <span
            className={`${styles.stateChip} ${styles[view.tone]}`}
            data-testid="trading-state"
            data-state={status.state}
            data-halted={String(status.state === 'HALTED')}
            title={view.meaning}
          >
            {view.label}
          </span>
          {status.state !== 'ACTIVE' ? (
            <span>
              {status.cause} · since <span className="mono">{formatTimestamp(status.since)}</span> by{' '}
              <span className="mono">{status.actorName ?? status.actor}</span>
              {status.state === 'REDUCING' && <span className="dim"> · {view.meaning}</span>}
            </span>
          ) : (
            status.since && (
              <span className="dim">
                last resumed <span className="mono">{formatTimestamp(status.since)}</span> by{' '}
                <span className="mono">{status.actorName ?? status.actor}</span>
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
                placeholder={resumes ? 'why trading may resume (required)' : 'why trading stops (required)'}
                aria-invalid={reasonError ? true : undefined}
                aria-describedby={reasonError ? 'trading-reason-error' : undefined}
              />
              <button
                type="button"
                className={`btn ${resumes ? 'btn-primary' : styles.haltButton}`}
                disabled={busy}
                onClick={() => void act()}
              >
                {busy ? 'Sending…' : resumes ? 'Resume trading' : 'Halt trading'}
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
