import { formatInt } from '../format/format';
import styles from './ui.module.css';

/** Rows `page * pageSize …` of `items` (client-side paging). */
export function pageOf<T>(items: readonly T[], page: number, pageSize: number): T[] {
  return items.slice(page * pageSize, (page + 1) * pageSize);
}

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** Previous / next controls with the shown range, for client-side paging. */
export function Pager(props: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const { page, pageSize, total, onPage } = props;
  const pages = pageCount(total, pageSize);
  const first = total === 0 ? 0 : page * pageSize + 1;
  const last = Math.min(total, (page + 1) * pageSize);
  return (
    <div className={styles.pager}>
      <span className={styles.pagerRange}>
        {formatInt(first)}–{formatInt(last)} of {formatInt(total)}
      </span>
      <button type="button" className="btn btn-sm" onClick={() => onPage(page - 1)} disabled={page <= 0}>
        ‹ Prev
      </button>
      <span className={styles.pagerPage}>
        {page + 1} / {pages}
      </span>
      <button
        type="button"
        className="btn btn-sm"
        onClick={() => onPage(page + 1)}
        disabled={page >= pages - 1}
      >
        Next ›
      </button>
    </div>
  );
}
