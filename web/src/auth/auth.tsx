// Who is signed in. The session lives in an HttpOnly cookie; the CSRF token comes with the user.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler } from '../lib/api.ts';
import type { Me } from '../lib/types.ts';
import { PageLoader } from '../common/PageLoader.tsx';
import { NotFoundPage } from '../common/NotFoundPage.tsx';

interface AuthState {
  me: Me | null;
  loading: boolean;
  sessionExpired: boolean;
  login(username: string, password: string): Promise<Me>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);
const ME = ['auth', 'me'] as const;

async function fetchMe(): Promise<Me | null> {
  try {
    return await api<Me>('/auth/me', { noRedirect: true });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [sessionExpired, setSessionExpired] = useState(false);
  const q = useQuery({ queryKey: ME, queryFn: fetchMe, staleTime: Infinity });
  const me = q.data ?? null;

  useEffect(() => setCsrfToken(me?.csrfToken ?? null), [me]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setSessionExpired(true);
      qc.setQueryData(ME, null);
    });
    return () => setUnauthorizedHandler(null);
  }, [qc]);

  const login = useCallback(
    async (username: string, password: string) => {
      const user = await api<Me>('/auth/login', { method: 'POST', body: { username, password }, noRedirect: true });
      setCsrfToken(user.csrfToken);
      setSessionExpired(false);
      qc.removeQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
      qc.setQueryData(ME, user);
      return user;
    },
    [qc],
  );

  const logout = useCallback(async () => {
    try {
      await api('/auth/logout', { method: 'POST', noRedirect: true });
    } finally {
      setCsrfToken(null);
      qc.clear();
      qc.setQueryData(ME, null);
      navigate('/login', { replace: true });
    }
  }, [qc, navigate]);

  const value = useMemo(() => ({ me, loading: q.isPending, sessionExpired, login, logout }), [me, q.isPending, sessionExpired, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in user; only inside <RequireAuth>. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe outside RequireAuth');
  return me;
}

export function useCan(permission: string): boolean {
  const { me } = useAuth();
  return !!me?.permissions.includes(permission);
}

export function RequireAuth({ children }: { children: ReactNode }) {
  const { me, loading } = useAuth();
  const location = useLocation();
  if (loading) return <PageLoader />;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

export function RequirePermission({ permission, children }: { permission: string; children: ReactNode }) {
  return useCan(permission) ? <>{children}</> : <NotFoundPage />;
}
