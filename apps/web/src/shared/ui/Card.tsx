import type { ReactNode } from 'react';
import styles from './ui.module.css';

export function Card(props: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  bodyClassName?: string;
  testId?: string;
}) {
  return (
    <section className={`${styles.card} ${props.className ?? ''}`} data-testid={props.testId}>
      {(props.title !== undefined || props.actions !== undefined) && (
        <header className={styles.cardHeader}>
          <h2 className={styles.cardTitle}>{props.title}</h2>
          {props.actions !== undefined && <div className={styles.cardActions}>{props.actions}</div>}
        </header>
      )}
      <div className={`${styles.cardBody} ${props.bodyClassName ?? ''}`}>{props.children}</div>
    </section>
  );
}
