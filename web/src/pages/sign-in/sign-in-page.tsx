/** @module Sign-in page: name and password; the server answers with an HTTP-only session cookie. */
import {
  Alert,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { signIn } from '../../auth/api-auth.ts';

/**
 * The sign-in form.
 * @param props - `onSignedIn`: called once the session cookie is set
 */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    signIn(name, password)
      .then(onSignedIn)
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
      .finally(() => setBusy(false));
  };
  return (
    <Center h="100vh">
      <Paper withBorder p="lg" w={340}>
        <form onSubmit={submit}>
          <Stack>
            <Title order={3}>Screenalytics</Title>
            <TextInput
              label="Name"
              autoComplete="username"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              required
            />
            {error ? (
              <Alert color="red" data-testid="sign-in-error">
                {error}
              </Alert>
            ) : null}
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
