'use client';

import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { HEALTH } from './operations';
import styles from './shell.module.css';

const POLL_MS = 15_000;

export function HealthIndicator() {
  const { data, error, loading, reload } = useQuery(HEALTH, {}, { pollMs: POLL_MS });
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const health = data?.health;
  // A failed poll means the gateway itself is not answering: show that, not the last snapshot.
  const overall = error ? 'down' : health ? (health.ok ? 'up' : 'down') : 'unknown';
  const label = error
    ? 'Gateway unreachable'
    : health
      ? health.ok
        ? 'All systems up'
        : 'Degraded'
      : 'Checking…';

  return (
    <div className={styles.health} ref={ref} data-testid="health-indicator" data-state={overall}>
      <button
        type="button"
        className={styles.healthButton}
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        aria-haspopup="dialog"
        title={label}
      >
        <span className={`dot dot-${overall}`} aria-hidden="true" />
        <span className={styles.healthLabel}>{label}</span>
        {!error &&
          health?.components.map((c) => (
            <span
              key={c.name}
              className={`dot dot-${c.state === 'up' ? 'up' : 'down'} ${styles.componentDot}`}
              title={`${c.name}: ${c.state}`}
              aria-hidden="true"
            />
          ))}
      </button>
      {open && (
        <div className={styles.popover} role="dialog" aria-label="Component health">
          <div className={styles.popoverHeader}>
            <span>Component health</span>
            <button type="button" className="btn btn-sm" onClick={reload} disabled={loading}>
              {loading ? 'Checking…' : 'Refresh'}
            </button>
          </div>
          {error ? (
            <div className={styles.popoverError}>{error.message}</div>
          ) : !health ? (
            <div className="dim">Checking…</div>
          ) : health.components.length === 0 ? (
            <div className="dim">The gateway reported no components.</div>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Component</th>
                  <th>State</th>
                  <th className="num">Latency</th>
                </tr>
              </thead>
              <tbody>
                {health.components.map((c) => (
                  <tr key={c.name} title={c.detail ?? undefined}>
                    <td>
                      <div className={styles.componentName}>
                        <span className={`dot dot-${c.state === 'up' ? 'up' : 'down'}`} aria-hidden="true" />
                        {c.name}
                      </div>
                      {c.detail && <div className={styles.componentDetail}>{c.detail}</div>}
                    </td>
                    <td>{c.state}</td>
                    <td className="num">{c.latencyMs == null ? '—' : `${c.latencyMs.toFixed(1)} ms`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className={styles.popoverFoot}>Polled every {POLL_MS / 1000}s</div>
        </div>
      )}
    </div>
  );
}
