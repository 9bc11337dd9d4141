import { type Kysely, sql } from 'kysely';
import { migrationNames } from './migrator.js';
import type { Database } from './schema.js';

export interface MigrationStatus {
  /** Migrations this version knows and the database has not had, oldest first. */
  pending: string[];
  /** Migrations the database has had that this version does not know: its schema is newer than this code. */
  unknown: string[];
}

/**
 * Compares the database's migration table (Kysely's `kysely_migration`, in the connection's current schema) with
 * the migrations of this version, without changing anything: a database without the table has had none.
 */
export async function migrationStatus(db: Kysely<Database>): Promise<MigrationStatus> {
  let applied: string[];
  try {
    applied = (await sql<{ name: string }>`select name from kysely_migration`.execute(db)).rows.map((row) => row.name);
  } catch (error) {
    if (!/no such table|does not exist/i.test((error as Error).message)) throw error;
    applied = [];
  }
  const known = migrationNames();
  const done = new Set(applied);
  return {
    pending: known.filter((name) => !done.has(name)),
    unknown: applied.filter((name) => !known.includes(name)).sort(),
  };
}
