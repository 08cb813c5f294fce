'use client';

import { createContext, useContext } from 'react';
import type { Role, User } from './operations';

export type SessionUser = Pick<User, 'email' | 'role'>;

const SessionContext = createContext<SessionUser | null>(null);

export const SessionProvider = SessionContext.Provider;

/** The signed-in user (the app shell only renders pages once `me` resolved). */
export function useSession(): SessionUser | null {
  return useContext(SessionContext);
}

export function hasRole(user: SessionUser | null, ...roles: Role[]): boolean {
  return user !== null && roles.includes(user.role);
}
