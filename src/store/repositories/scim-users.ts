import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Placeholder until its owner lands it. */
export class ScimUserRepository {
  constructor(protected readonly db: Kysely<Database>, protected readonly accountId: number) {}
}
