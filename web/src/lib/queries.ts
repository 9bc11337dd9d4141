import { listAll, restrictions, roles } from '../api/endpoints.js';
import { useAsync } from './hooks.js';

/** Restricted project ids, for the badges in project lists. */
export function useRestrictedProjects() {
  return useAsync(
    async () => new Set((await listAll((cursor) => restrictions.list({ limit: 100, cursor }))).map((r) => r.resource_id)),
    [],
  );
}

/** Every role (predefined and custom), for role pickers and for naming role ids. */
export function useAllRoles() {
  return useAsync(() => listAll((cursor) => roles.list({ limit: 100, cursor })), []);
}
