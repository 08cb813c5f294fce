'use client';

import { useState, type FormEvent } from 'react';
import { hasRole, useSession } from '@/features/auth/session';
import { errorField, errorMessage, request } from '@/shared/graphql/client';
import { formatTimestamp } from '@/shared/format/format';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { ErrorState, Loading } from '@/shared/ui/States';
import { API_KEYS, CREATE_API_KEY, SET_API_KEY_RATE_LIMIT, type ApiKey } from './operations';
import { describeRateLimit, parseRateLimit } from './rate-limit';
import styles from './api-keys.module.css';

/**
 * API keys for the engine's HTTP API (admin): the keys with their rate limits, a form to
 * create one (its secret shown once), and each key's limit edited in place. The gateway
 * enforces the admin role too.
 */
export function ApiKeysPage() {
  const user = useSession();
  const isAdmin = hasRole(user, 'admin');
  const keys = useQuery(API_KEYS, isAdmin ? {} : null);

  if (!isAdmin)
    return (
      <Card title="API keys">
        <p className={styles.note} data-testid="api-keys-withheld">
          An admin creates API keys and sets their rate limits.
        </p>
      </Card>
    );
  return (
    <div className={styles.page}>
      <CreateKeyCard onCreated={keys.reload} />
      <Card title="API keys" testId="api-keys-card" bodyClassName={styles.flushBody}>
        {keys.error && <ErrorState error={keys.error} onRetry={keys.reload} compact />}
        {!keys.data && !keys.error && <Loading>Reading the API keys…</Loading>}
        {keys.data && (
          <table className="table" data-testid="api-keys-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Prefix</th>
                <th>Created</th>
                <th>Status</th>
                <th>Rate limit</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.apiKeys.map((key) => (
                <KeyRow key={key.id} apiKey={key} />
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

function KeyRow(props: { apiKey: ApiKey }) {
  const [key, setKey] = useState(props.apiKey);
  const [text, setText] = useState(key.rateLimitPerS === null ? '' : String(key.rateLimitPerS));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const changed = text.trim() !== (key.rateLimitPerS === null ? '' : String(key.rateLimitPerS));

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const parsed = parseRateLimit(text);
    if ('error' in parsed) return setError(parsed.error);
    setError(null);
    setBusy(true);
    try {
      const saved = (await request(SET_API_KEY_RATE_LIMIT, { id: key.id, rateLimitPerS: parsed.value }))
        .setApiKeyRateLimit;
      setKey(saved);
      setText(saved.rateLimitPerS === null ? '' : String(saved.rateLimitPerS));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <tr data-testid={`api-key-row-${key.prefix}`}>
      <td>{key.name}</td>
      <td className="mono">{key.prefix}…</td>
      <td className="mono">{formatTimestamp(key.createdAt)}</td>
      <td className={key.revokedAt ? 'dim' : undefined}>
        {key.revokedAt ? `revoked ${formatTimestamp(key.revokedAt)}` : 'active'}
      </td>
      <td>
        <form className={styles.limitForm} onSubmit={(e) => void save(e)}>
          <input
            className={`input ${styles.limitInput}`}
            inputMode="numeric"
            aria-label={`Rate limit of ${key.name}, requests per second`}
            placeholder="unlimited"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={error ? true : undefined}
          />
          <span className="dim">/s</span>
          <button type="submit" className="btn btn-sm" disabled={busy || !changed}>
            {busy ? 'Saving…' : 'Save'}
          </button>
          <span className="dim" data-testid="api-key-limit">
            {describeRateLimit(key.rateLimitPerS)}
          </span>
        </form>
        {error && (
          <span className={styles.fieldError} role="alert">
            {error}
          </span>
        )}
      </td>
    </tr>
  );
}

function CreateKeyCard(props: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [limit, setLimit] = useState('');
  const [errors, setErrors] = useState<{ name?: string; limit?: string; other?: unknown }>({});
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{
    name: string;
    secret: string;
    rateLimitPerS: number | null;
  } | null>(null);

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const parsed = parseRateLimit(limit);
    if ('error' in parsed) return setErrors({ limit: parsed.error });
    setErrors({});
    setBusy(true);
    try {
      const key = (await request(CREATE_API_KEY, { name: name.trim(), rateLimitPerS: parsed.value }))
        .createApiKey;
      setCreated(key);
      setName('');
      setLimit('');
      props.onCreated();
    } catch (err) {
      const field = errorField(err);
      if (field === 'name') setErrors({ name: errorMessage(err) });
      else if (field === 'rateLimitPerS') setErrors({ limit: errorMessage(err) });
      else setErrors({ other: err });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="New API key" testId="api-key-create">
      <form className={styles.createForm} onSubmit={(e) => void create(e)}>
        <label className="field-label" htmlFor="api-key-name">
          Name
        </label>
        <input
          id="api-key-name"
          className="input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. trading engine (prod)"
          aria-invalid={errors.name ? true : undefined}
        />
        {errors.name && (
          <span className={styles.fieldError} role="alert">
            {errors.name}
          </span>
        )}
        <label className="field-label" htmlFor="api-key-limit">
          Rate limit, requests per second
        </label>
        <input
          id="api-key-limit"
          className="input"
          inputMode="numeric"
          value={limit}
          onChange={(e) => setLimit(e.target.value)}
          placeholder="empty: unlimited (a trading engine's key)"
          aria-invalid={errors.limit ? true : undefined}
        />
        {errors.limit && (
          <span className={styles.fieldError} role="alert">
            {errors.limit}
          </span>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy || name.trim() === ''}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
        {errors.other !== undefined && <ErrorState error={errors.other} compact />}
      </form>
      {created && (
        <div className={styles.secret} role="status" data-testid="api-key-secret">
          <div>
            Key <strong>{created.name}</strong> ({describeRateLimit(created.rateLimitPerS)}). Copy its secret
            now: it is not shown again.
          </div>
          <code className="mono">{created.secret}</code>
        </div>
      )}
    </Card>
  );
}
