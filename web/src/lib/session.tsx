import { createContext, useContext } from 'react';
import type { ConsoleSession as Session, Me } from '../../../src/client/types.js';

export interface SessionContextValue {
  session: Session;
  me: Me;
  /** True when the principal holds `permission` at account level (from GET /v2/me). */
  accountCan: (permission: string) => boolean;
  /** Account role ADMIN: roles administration and the audit log are for account admins only. */
  isAccountAdmin: boolean;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in console');
  return value;
}

export function sessionValue(session: Session, me: Me, signOut: () => Promise<void>): SessionContextValue {
  const account = new Set<string>(me.permissions.account);
  return {
    session,
    me,
    accountCan: (permission) => account.has(permission),
    isAccountAdmin: me.role.type === 'PREDEFINED' && me.role.name === 'ADMIN',
    signOut,
  };
}
