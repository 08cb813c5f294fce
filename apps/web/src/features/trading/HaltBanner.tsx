'use client';

import Link from 'next/link';
import { formatTimestamp } from '@/shared/format/format';
import { useTradingState } from './TradingStateProvider';
import styles from './trading.module.css';

/** On every console page while trading is halted: why, since when, and who halted it. */
export function HaltBanner() {
  const { status } = useTradingState();
  if (status?.state !== 'HALTED') return null;
  return (
    <div className={styles.banner} role="alert" data-testid="halt-banner">
      <span className={styles.bannerTitle}>Trading halted</span>
      <span className={styles.bannerCause} data-testid="halt-cause">
        {status.cause}
      </span>
      <span className={styles.bannerMeta}>
        since <span className="mono">{formatTimestamp(status.since)}</span> by{' '}
        <span className="mono">{status.actorName ?? status.actor ?? 'unknown'}</span>
      </span>
      <Link href="/decisions" className={styles.bannerLink}>
        Decisions →
      </Link>
    </div>
  );
}
