/**
 * @module Pick a cast member of the show, or create one inline by typing a name that is not in the list.
 */
import { Select } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { review, type CastMemberView } from '../../api-review.ts';

const NEW = '__new__:';

/** Props of {@link CastPicker}. */
export interface CastPickerProps {
  /** Show id (new cast members are created in it). */
  show: string;
  /** The show's cast members. */
  cast: CastMemberView[];
  /** Called with the picked (or just created) cast id. */
  onPick: (castId: string, name: string) => void;
  /** Placeholder, e.g. `Assign to…`. */
  placeholder?: string;
  /** Accessible name. */
  label?: string;
  /** Width in pixels or a CSS length (default 170 px). */
  w?: number | string;
}

/** A searchable select whose last option creates the typed name as a cast member. */
export function CastPicker({
  show,
  cast,
  onPick,
  placeholder = 'Assign to…',
  label,
  w = 170,
}: CastPickerProps) {
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [error, setError] = useState<string | null>(null);
  const typed = search.trim();
  const known = cast.some((c) => c.name.toLowerCase() === typed.toLowerCase());
  const data = [
    ...cast.filter((c) => c.status === 'active').map((c) => ({ value: c.cast_id, label: c.name })),
    ...(typed && !known
      ? [{ value: `${NEW}${typed}`, label: `+ New cast member "${typed}"` }]
      : []),
  ];

  async function pick(value: string | null): Promise<void> {
    setError(null);
    if (!value) {
      return;
    }
    if (value.startsWith(NEW)) {
      try {
        const created = await review.createCast(show, value.slice(NEW.length));
        await queryClient.invalidateQueries({ queryKey: ['cast', show] });
        onPick(created.cast_id, created.name);
      } catch (err) {
        setError((err as Error).message);
      }
    } else {
      onPick(value, cast.find((c) => c.cast_id === value)?.name ?? value);
    }
    setSearch('');
  }

  return (
    <Select
      data-edit
      size="xs"
      w={w}
      searchable
      value={null}
      searchValue={search}
      onSearchChange={setSearch}
      onChange={(v) => void pick(v)}
      data={data}
      placeholder={placeholder}
      aria-label={label ?? placeholder}
      nothingFoundMessage="Type a name to create a cast member"
      error={error}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
