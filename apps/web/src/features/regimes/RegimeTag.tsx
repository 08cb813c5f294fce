import { regimeColor } from './regimeColors';
import styles from './regimes.module.css';

/** A regime label in its colour; `—` for none (e.g. the first regime of a series). */
export function RegimeTag({ label }: { label: string | null | undefined }) {
  const color = regimeColor(label).line;
  return (
    <span className={styles.tag} style={{ color, borderColor: color }}>
      {label ?? '—'}
    </span>
  );
}
