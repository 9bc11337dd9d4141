import { api, listAll, page } from './api.js';
import { useAsync } from './hooks.js';

/** Restricted project ids, for the badges in project lists. */
export function useRestrictedProjects() {
  return useAsync(
    async () => new Set((await listAll((cursor) => page(api.resourceRestrictions.list({ resource_type: 'PROJECT', limit: 100, cursor }), 'resource_restrictions'))).map((r) => r.resource_id)),
    [],
  );
}

/** Every role (predefined and custom), for role pickers and for naming role ids. */
export function useAllRoles() {
  return useAsync(() => listAll((cursor) => page(api.roles.list({ limit: 100, cursor }), 'roles')), []);
}
