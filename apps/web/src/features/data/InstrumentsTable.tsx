'use client';

import { formatDate, formatInt } from '@/shared/format/format';
import type { Instrument } from './operations';
import styles from './data.module.css';

export function InstrumentsTable(props: {
  instruments: Instrument[];
  selectedSymbol: string | null;
  selectedTimeframe: string | null;
  onSelect: (symbol: string, timeframe?: string) => void;
}) {
  const { instruments, selectedSymbol, selectedTimeframe, onSelect } = props;
  return (
    <div className={styles.tableScroll}>
      <table className={`table ${styles.instrumentsTable}`} data-testid="instruments-table">
        <thead>
          <tr>
            <th>Symbol</th>
            <th>Class</th>
            <th>TF</th>
            <th className="num">Bars</th>
            <th>First</th>
            <th>Last</th>
          </tr>
        </thead>
        <tbody>
          {instruments.map((inst) => {
            const selected = inst.symbol === selectedSymbol;
            return (
              <tr
                key={inst.symbol}
                data-testid={`instrument-row-${inst.symbol}`}
                className={`${styles.instrumentRow} ${selected ? styles.selectedRow : ''}`}
                aria-selected={selected}
                tabIndex={0}
                onClick={() => onSelect(inst.symbol)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    onSelect(inst.symbol);
                  }
                }}
              >
                <td className={styles.symbolCell}>{inst.symbol}</td>
                <td className="dim">
                  {inst.assetClass}
                  <span className={styles.quote}> · {inst.quoteAsset}</span>
                </td>
                <td>
                  <span className={styles.tfChips}>
                    {inst.timeframes.map((tf) => (
                      <button
                        key={tf}
                        type="button"
                        className={`${styles.tfChip} ${selected && tf === selectedTimeframe ? styles.tfChipActive : ''}`}
                        onClick={(e) => {
                          e.stopPropagation();
                          onSelect(inst.symbol, tf);
                        }}
                        title={`${inst.symbol} ${tf}`}
                      >
                        {tf}
                      </button>
                    ))}
                  </span>
                </td>
                <td className="num">{formatInt(inst.barCount)}</td>
                <td className="num dim">{formatDate(inst.firstBar)}</td>
                <td className="num dim">{formatDate(inst.lastBar)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
