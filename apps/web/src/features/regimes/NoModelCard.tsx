import { Card } from '@/shared/ui/Card';
import { Empty, ErrorState, Loading } from '@/shared/ui/States';
import type { FitState } from './useFitRegimeModel';
import styles from './regimes.module.css';

/** Shown when `regimeHistory` is null: says so, and lets a quant or admin fit a model. */
export function NoModelCard(props: { symbol: string; canFit: boolean; fit: FitState; onFit: () => void }) {
  const { symbol, canFit, fit, onFit } = props;
  const busy = fit.status === 'submitting' || fit.status === 'fitting';
  return (
    <Card title={`Regimes · ${symbol}`} testId="regime-empty">
      <div className={styles.emptyState}>
        <Empty>
          No regime model for <span className="mono">{symbol}</span> yet. A model is a 3-state Gaussian HMM
          fitted on the daily log return and 20-day volatility; its bull / bear / sideways probabilities are
          then filtered causally, bar by bar.
        </Empty>
        {canFit ? (
          <div className={styles.fitRow}>
            <button
              type="button"
              className="btn btn-primary"
              data-testid="fit-regime-button"
              onClick={onFit}
              disabled={busy}
            >
              Fit regime model
            </button>
            {fit.status === 'submitting' && <Loading>Enqueueing…</Loading>}
            {fit.status === 'fitting' && (
              <span data-testid="fit-regime-status">
                <Loading>
                  fitting… <span className="mono dim">job {fit.jobId}</span>
                </Loading>
              </span>
            )}
          </div>
        ) : (
          <span className="dim">Ask a quant or an admin to fit one.</span>
        )}
        {fit.status === 'error' && <ErrorState error={fit.error} onRetry={onFit} />}
      </div>
    </Card>
  );
}
