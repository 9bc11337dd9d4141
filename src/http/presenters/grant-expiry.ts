/** A grant's `expires_at` and `reason` on the wire: present only when set. */
export function presentExpiry(row: { expires_at: string | null; reason: string | null }) {
  return {
    ...(row.expires_at === null ? {} : { expires_at: row.expires_at }),
    ...(row.reason === null ? {} : { reason: row.reason }),
  };
}
