import { useEffect, useId, useState } from 'react';
import { api } from '../lib/api.js';
import type { User } from '../../../src/client/types.js';
import { useDebounced } from '../lib/hooks.js';

/**
 * An email input that suggests matching users (GET /v2/users?email=…) in a native datalist. Resolve the
 * typed address with `findUserByEmail` on submit.
 */
export function UserEmailInput({ id, value, onChange, describedBy }: { id: string; value: string; onChange: (email: string) => void; describedBy?: string }) {
  const listId = useId();
  const query = useDebounced(value.trim(), 250);
  const [suggestions, setSuggestions] = useState<User[]>([]);

  useEffect(() => {
    if (query.length < 2) {
      setSuggestions([]);
      return;
    }
    let live = true;
    api.users.list({ email: query, limit: 10 }).then(
      (p) => live && setSuggestions(p.users),
      () => live && setSuggestions([]),
    );
    return () => {
      live = false;
    };
  }, [query]);

  return (
    <>
      <input
        id={id}
        type="email"
        required
        autoComplete="off"
        list={listId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={describedBy}
      />
      <datalist id={listId}>
        {suggestions.map((u) => (
          <option key={u.id} value={u.email}>
            {u.name}
          </option>
        ))}
      </datalist>
    </>
  );
}

/** The user whose email is exactly `email` (case-insensitive), or an error naming it. */
export async function findUserByEmail(email: string): Promise<User> {
  const wanted = email.trim().toLowerCase();
  const page = await api.users.list({ email: wanted, limit: 100 });
  const user = page.users.find((u) => u.email.toLowerCase() === wanted);
  if (!user) throw new Error(`No user with the email ${email.trim()}.`);
  return user;
}
