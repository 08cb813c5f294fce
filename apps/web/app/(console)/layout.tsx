import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { serverSession } from '@/features/auth/server-session';
import { AppShell } from '@/features/shell/AppShell';

/** Every console page: the session is checked on the server, before any of the shell renders. */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await serverSession();
  switch (session.kind) {
    case 'signed-out':
      return redirect('/login');
    case 'signed-in':
      return <AppShell user={session.user}>{children}</AppShell>;
    case 'unknown':
      return <AppShell user={null}>{children}</AppShell>;
    default: {
      const unhandled: never = session;
      throw new Error(`unhandled session ${JSON.stringify(unhandled)}`);
    }
  }
}
