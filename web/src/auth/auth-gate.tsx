/**
 * @module The sign-in gate of the UI: while accounts exist and nobody is signed in, the sign-in page instead of the
 * app; once signed in, the app with a corner badge (name, role, API tokens, Sign out). The caller's role is given to the pages
 * through `useRole()`, and on `<body data-role>`: for viewers, every element marked `data-edit` is hidden.
 */
import { Button, Group, Loader, Paper, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { SignInPage } from '../pages/sign-in/sign-in-page.tsx';
import { getMe, signOut, type Me } from './api-auth.ts';
import { TokensDialog } from './tokens-dialog.tsx';

const RoleContext = createContext<Me['role']>('admin');

/** @returns the caller's role (`admin` in single-user mode) */
export function useRole(): Me['role'] {
  return useContext(RoleContext);
}

/** @returns true when the caller may edit (reviewer or admin) */
export function useCanEdit(): boolean {
  return useRole() !== 'viewer';
}

/** Renders its children only for callers who may edit. */
export function CanEdit({ children }: { children: ReactNode }) {
  return useCanEdit() ? children : null;
}

const VIEWER_CSS = 'body[data-role="viewer"] [data-edit] { display: none !important; }';

/** The gate around the whole app. */
export function AuthGate({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const me = useQuery({ queryKey: ['auth', 'me'], queryFn: getMe, refetchInterval: 60_000 });
  const role = me.data?.user?.role ?? 'admin';
  const [tokensOpen, setTokensOpen] = useState(false);
  useEffect(() => {
    document.body.dataset.role = role;
  }, [role]);
  if (me.isPending) {
    return <Loader m="xl" />;
  }
  const data = me.data;
  if (data && !data.single_user && !data.user) {
    return <SignInPage onSignedIn={() => void client.resetQueries()} />;
  }
  const user = data?.user;
  return (
    <RoleContext.Provider value={role}>
      <style>{VIEWER_CSS}</style>
      {children}
      {user && user.via !== 'single-user' ? (
        <Paper
          withBorder
          px="sm"
          py={4}
          style={{ position: 'fixed', top: 4, right: 12, zIndex: 300 }}
          data-testid="user-badge"
        >
          <Group gap="xs">
            <Text size="sm">
              {user.name} ({user.role})
            </Text>
            <Button size="compact-xs" variant="subtle" onClick={() => setTokensOpen(true)}>
              Tokens
            </Button>
            <Button
              size="compact-xs"
              variant="subtle"
              onClick={() => {
                void signOut().then(() => client.resetQueries());
              }}
            >
              Sign out
            </Button>
          </Group>
          <TokensDialog opened={tokensOpen} onClose={() => setTokensOpen(false)} />
        </Paper>
      ) : null}
    </RoleContext.Provider>
  );
}
