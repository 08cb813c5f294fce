import { operation } from '@/shared/graphql/client';

export type Role = 'viewer' | 'quant' | 'pm' | 'admin';

export interface User {
  id: string;
  email: string;
  role: Role;
}

export const LOGIN = operation<{ login: User }, { email: string; password: string }>(
  `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { id email role }
}`,
);

export const LOGOUT = operation<{ logout: boolean }>(`mutation Logout { logout }`);

export const ME = operation<{ me: Pick<User, 'email' | 'role'> | null }>(`query Me { me { email role } }`);
