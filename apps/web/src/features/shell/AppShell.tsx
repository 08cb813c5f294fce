'use client';

import { useEffect, useState, type ReactNode } from 'react';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { request } from '@/shared/graphql/client';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { ErrorState, Loading } from '@/shared/ui/States';
import { LOGOUT, ME } from '@/features/auth/operations';
import { SessionProvider, type SessionUser } from '@/features/auth/session';
import { HaltBanner, TradingStateProvider } from '@/features/trading';
import { HealthIndicator } from './HealthIndicator';
import { NAV_ITEMS } from './nav';
import styles from './shell.module.css';

/**
 * The console's frame. `user` is the session the server checked; null when the gateway did not
 * answer the server, and the browser asks again (with a retry).
 */
export function AppShell({ user: checkedUser, children }: { user: SessionUser | null; children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const me = useQuery(ME, checkedUser ? null : {});
  const [signingOut, setSigningOut] = useState(false);
  const user = checkedUser ?? me.data?.me ?? null;
  const signedOut = me.data !== undefined && me.data.me === null;

  useEffect(() => {
    if (signedOut) router.replace('/login');
  }, [signedOut, router]);

  async function signOut() {
    setSigningOut(true);
    try {
      await request(LOGOUT, {}, { redirectOnUnauthenticated: false });
    } catch {
      // Even if the gateway is gone, leave the console; the cookie is httpOnly and dies with the session.
    }
    router.replace('/login');
  }

  let main: ReactNode;
  if (user) {
    // The trading state is read once for the whole console: the halt banner shows on every page.
    main = (
      <SessionProvider value={user}>
        <TradingStateProvider>
          <HaltBanner />
          {children}
        </TradingStateProvider>
      </SessionProvider>
    );
  } else if (me.error) {
    main = (
      <div className={styles.centered}>
        <ErrorState error={me.error} onRetry={me.reload} />
      </div>
    );
  } else main = <Loading>{signedOut ? 'Redirecting to sign in…' : 'Checking session…'}</Loading>;

  return (
    <div className={styles.shell}>
      <aside className={styles.sidebar}>
        <Link href="/data" className={styles.brand}>
          <span className={styles.logo} aria-hidden="true" />
          Tradeplane
        </Link>
        <nav aria-label="Sections">
          <ul className={styles.navList}>
            {NAV_ITEMS.map((item) => {
              const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    className={`${styles.navLink} ${active ? styles.navLinkActive : ''}`}
                    aria-current={active ? 'page' : undefined}
                  >
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
      </aside>
      <div className={styles.column}>
        <header className={styles.topbar}>
          <HealthIndicator />
          <div className={styles.topbarRight}>
            {user && (
              <div className={styles.user} data-testid="current-user">
                <span className={styles.userEmail}>{user.email}</span>
                <span className="badge" data-testid="current-role">
                  {user.role}
                </span>
              </div>
            )}
            <button type="button" className="btn btn-sm" onClick={signOut} disabled={signingOut}>
              {signingOut ? 'Signing out…' : 'Sign out'}
            </button>
          </div>
        </header>
        <main className={styles.main}>{main}</main>
      </div>
    </div>
  );
}
