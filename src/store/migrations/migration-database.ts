/**
 * The database as a migration sees it: tables and columns by name, untyped, since a migration must keep working
 * after src/store/schema.ts has moved on.
 */
export type MigrationDatabase = Record<string, Record<string, unknown>>;
