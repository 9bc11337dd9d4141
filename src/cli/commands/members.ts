import type { OrganizationMember, SpaceMember } from '../../client/types.js';
import type { Column } from '../output/printer.js';

/** Columns of `organizations list-users` and `spaces list-users`. */
export const MEMBER_COLUMNS: readonly Column<OrganizationMember | SpaceMember>[] = [
  { header: 'USER ID', value: (m) => m.user_id },
  { header: 'NAME', value: (m) => m.user.name, shrinkable: true },
  { header: 'EMAIL', value: (m) => m.user.email, shrinkable: true },
  { header: 'ROLE', value: (m) => m.role },
  { header: 'BOT', value: (m) => m.user.is_bot },
];
