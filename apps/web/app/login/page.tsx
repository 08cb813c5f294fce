import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/features/auth/LoginForm';
import { serverSession } from '@/features/auth/server-session';

export const metadata: Metadata = { title: 'Sign in' };

/** A signed-in user goes on to the console. */
export default async function LoginPage() {
  if ((await serverSession()).kind === 'signed-in') redirect('/data');
  return <LoginForm />;
}
