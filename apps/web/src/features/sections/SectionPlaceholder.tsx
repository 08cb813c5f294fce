import { SECTIONS, type SectionId } from './sections';
import styles from './sections.module.css';

/** Honest placeholder for a section that has no backend yet: no sample data, no numbers. */
export function SectionPlaceholder({ section }: { section: SectionId }) {
  const info = SECTIONS[section];
  return (
    <div className={styles.wrap} data-testid={`section-${section}`}>
      <h1 className={styles.title}>{info.title}</h1>
      <div className={styles.box}>
        <span className={styles.tag}>Planned</span>
        <p className={styles.text}>This section is not built yet. It will hold: {info.willHold}</p>
      </div>
    </div>
  );
}
