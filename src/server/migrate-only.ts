import type { ConfigOverrides } from '../config/config.js';
import { loadConfiguration } from '../config/config-file.js';
import { openStore } from '../store/database.js';
import { migrationNames } from '../store/migrator.js';
import { prepareSchema } from './schema-upgrade.js';

/**
 * `ax serve --migrate-only`: refuses a schema newer than this code, applies pending migrations and stops, without
 * listening or bootstrapping (the step a rollout of several processes runs once before starting them). Answers
 * the migrations applied and the latest one, which the database is now at. Loads no HTTP code.
 */
export async function migrateOnly(overrides: ConfigOverrides & { configFile?: string | undefined; env?: NodeJS.ProcessEnv } = {}): Promise<{ applied: string[]; latest: string | undefined }> {
  const { config } = loadConfiguration(overrides, overrides.env ?? process.env);
  const store = openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    const applied = await prepareSchema(store.db, { autoMigrate: true });
    return { applied, latest: migrationNames().at(-1) };
  } finally {
    await store.close();
  }
}
