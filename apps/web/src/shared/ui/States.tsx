import type { ReactNode } from 'react';
import { GATEWAY_UNREACHABLE, GraphQLRequestError } from '../graphql/client';
import styles from './ui.module.css';

/** A visible, non-crashing error state. Says plainly when the gateway cannot be reached. */
export function ErrorState(props: { error: unknown; onRetry?: () => void; compact?: boolean }) {
  const err = props.error;
  const unreachable = err instanceof GraphQLRequestError && err.code === GATEWAY_UNREACHABLE;
  const code = err instanceof GraphQLRequestError ? err.code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return (
    <div className={`${styles.error} ${props.compact ? styles.errorCompact : ''}`} role="alert">
      <div className={styles.errorTitle}>{unreachable ? 'Gateway unreachable' : 'Request failed'}</div>
      <div className={styles.errorMessage}>
        {message}
        {code && !unreachable ? <span className={styles.errorCode}> [{code}]</span> : null}
      </div>
      {unreachable && (
        <div className={styles.errorHint}>
          The console reaches the GraphQL gateway through <code>/graphql</code> (GATEWAY_URL). Is it running?
        </div>
      )}
      {props.onRetry && (
        <button type="button" className="btn btn-sm" onClick={props.onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Loading(props: { children?: ReactNode }) {
  return (
    <div className={styles.loading} role="status">
      <span className={styles.spinner} aria-hidden="true" />
      <span>{props.children ?? 'Loading…'}</span>
    </div>
  );
}

export function Empty(props: { children: ReactNode }) {
  return <div className={styles.empty}>{props.children}</div>;
}
