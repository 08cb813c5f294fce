'use client';

import { useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { request, GraphQLRequestError, GATEWAY_UNREACHABLE } from '@/shared/graphql/client';
import { LOGIN } from './operations';
import styles from './login.module.css';

export function LoginForm() {
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      await request(LOGIN, { email: email.trim(), password }, { redirectOnUnauthenticated: false });
      router.replace('/data');
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      setError(
        err instanceof GraphQLRequestError && err.code === GATEWAY_UNREACHABLE
          ? `${msg}. Try again shortly.`
          : msg,
      );
      setPending(false);
    }
  }

  return (
    <div className={styles.wrap}>
      <form className={styles.card} onSubmit={onSubmit} aria-labelledby="login-title">
        <div className={styles.brand}>
          <span className={styles.logo} aria-hidden="true" />
          <span className={styles.brandName}>Tradeplane</span>
        </div>
        <h1 id="login-title" className={styles.title}>
          Sign in to the console
        </h1>
        <div className={styles.field}>
          <label className="field-label" htmlFor="email">
            Email
          </label>
          <input
            id="email"
            name="email"
            type="email"
            className="input"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className={styles.field}>
          <label className="field-label" htmlFor="password">
            Password
          </label>
          <input
            id="password"
            name="password"
            type="password"
            className="input"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        {error && (
          <div className={styles.error} role="alert" data-testid="login-error">
            {error}
          </div>
        )}
        <button type="submit" className={`btn btn-primary ${styles.submit}`} disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
