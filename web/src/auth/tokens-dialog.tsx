/**
 * @module Personal API tokens of the signed-in user: list, create (the value is shown once, here), revoke. Scripts
 * send a token as `Authorization: Bearer TOKEN`.
 */
import { Button, Code, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { createToken, listTokens, revokeToken } from './api-auth.ts';

/**
 * The dialog.
 * @param props - `opened`, `onClose`
 */
export function TokensDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const tokens = useQuery({ queryKey: ['auth', 'tokens'], queryFn: listTokens, enabled: opened });
  const [label, setLabel] = useState('');
  const [fresh, setFresh] = useState<string | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: ['auth', 'tokens'] });
  const create = useMutation({
    mutationFn: () => createToken(label),
    onSuccess: (t) => {
      setFresh(t.token);
      setLabel('');
      refresh();
    },
  });
  const revoke = useMutation({ mutationFn: revokeToken, onSuccess: refresh });
  return (
    <Modal opened={opened} onClose={onClose} title="API tokens" size="lg">
      <Stack>
        <Group align="end">
          <TextInput
            label="Label"
            placeholder="what the token is for"
            value={label}
            onChange={(e) => setLabel(e.currentTarget.value)}
          />
          <Button onClick={() => create.mutate()} loading={create.isPending}>
            Create token
          </Button>
        </Group>
        {fresh ? (
          <Stack gap={4} data-testid="new-token">
            <Text size="sm">Copy it now: it is not shown again.</Text>
            <Code block>{fresh}</Code>
          </Stack>
        ) : null}
        <Table data-testid="token-table">
          <Table.Tbody>
            {(tokens.data?.items ?? []).map((t) => (
              <Table.Tr key={t.token_id} data-testid={`token-${t.token_id}`}>
                <Table.Td>{t.token_id}</Table.Td>
                <Table.Td>{t.label}</Table.Td>
                <Table.Td>{t.last_used_at ?? 'never used'}</Table.Td>
                <Table.Td>
                  <Button
                    size="compact-xs"
                    color="red"
                    variant="light"
                    onClick={() => revoke.mutate(t.token_id)}
                  >
                    Revoke
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Modal>
  );
}
