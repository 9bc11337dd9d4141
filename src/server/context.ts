import type { Logger } from 'pino';
import { AuthLimits } from '../auth/auth-limits.js';
import type { Config } from '../config/config.js';
import { type Clock, systemClock } from '../domain/clock.js';
import { KeyVerifier } from '../keys/key-verifier.js';
import { createMailer } from '../mail/mailer.js';
import { observedMailer } from './observed-mailer.js';
import { prepareSchema } from './schema-upgrade.js';
import { startGrantExpirySweeper } from '../services/grant-expiry.js';
import { AccessCache } from '../services/access-cache.js';
import { startAuditCheckpoints } from '../services/audit-chain.js';
import { startAuthenticationFailurePruning } from '../services/authentication-failure-retention.js';
import { startAuditStream } from '../services/audit-stream.js';
import { KeyGraceUsage, startGraceUsageFlush } from '../services/key-grace-usage.js';
import { ResourceRowCache } from '../services/resource-row-cache.js';
import { ScimTokenVerifier } from '../services/scim/scim-token-verifier.js';
import type { ServiceDeps } from '../services/service-deps.js';
import { startLoginSweeper } from '../services/sso/login-completion.js';
import type { ChangeFeed } from '../store/change-feed.js';
import { prepareDataDir } from '../store/data-dir.js';
import { openStore } from '../store/database.js';
import { KeyRecords } from '../store/key-records.js';
import { ScimTokenRecords } from '../store/repositories/scim-tokens.js';
import { PostgresChangeFeed } from '../store/postgres/postgres-change-feed.js';
import { loadServerSecrets } from '../store/server-settings.js';
import { SqliteChangeFeed } from '../store/sqlite/sqlite-change-feed.js';

/** The process's parts, created once: the services' dependencies, plus the whole configuration and the way to close. */
export interface AppContext extends ServiceDeps {
  config: Config;
  close(): Promise<void>;
}

export async function createContext(config: Config, log: Logger): Promise<AppContext> {
  prepareDataDir(config.dataDir);
  const store = openStore({
    dataDir: config.dataDir, databaseUrl: config.databaseUrl,
    connectTimeoutMs: config.databaseConnectTimeoutMs, queryTimeoutMs: config.databaseQueryTimeoutMs,
    onConnectionLost: (error) => log.warn({ err: error }, 'the database ended an idle connection; new ones are opened as requests need them'),
  });
  if (config.tracesEndpoint !== undefined) {
    // Loaded only then: a server without tracing never loads @opentelemetry/api.
    const { queryTracing } = await import('../store/query-tracing.js');
    store.db = store.db.withPlugin(queryTracing(store.dialect === 'postgres' ? 'postgresql' : 'sqlite'));
  }
  try {
    await prepareSchema(store.db, { autoMigrate: config.autoMigrate, log });
    store.startQueryDeadline();
    const secrets = await loadServerSecrets(store.db, { dataDir: config.dataDir, keyPepper: config.keyPepper, tokenKey: config.tokenKey, auditSigningKey: config.auditSigningKey });
    // Reads context.clock at each call, so a clock a test puts in place after start is the one used.
    const clock: Clock = { now: () => context.clock.now() };
    const keys = new KeyVerifier(new KeyRecords(store.db), secrets.keyPepper, clock);
    await keys.loadImportedKeys();
    const access = new AccessCache(store.db, clock, store.bulkRead);
    const rows = new ResourceRowCache();
    const scimTokens = new ScimTokenVerifier(new ScimTokenRecords(store.db), secrets.keyPepper, clock);
    const dropCaches = () => { keys.invalidateAll(); scimTokens.invalidateAll(); access.invalidateAll(); rows.invalidateAll(); };
    // The listening connection proves itself every 10 s, within 5 s (sooner when the query timeout is shorter).
    const heartbeat = { everyMs: Math.min(10_000, config.databaseQueryTimeoutMs), withinMs: Math.min(5_000, config.databaseQueryTimeoutMs) };
    const changes: ChangeFeed = store.pool ? await PostgresChangeFeed.start(store.pool, dropCaches, heartbeat) : new SqliteChangeFeed();
    changes.subscribe((change) => {
      rows.invalidate(change.accountId);
      if (change.access) access.apply(change.accountId, change.access, change.accessVersion);
      else access.invalidate(change.accountId);
      for (const id of change.keyPublicIds ?? []) keys.invalidateKey(id);
      for (const id of change.userIds ?? []) keys.invalidateUser(id);
      // A SCIM token's public id travels with the API keys' (revocation), its provider with the IdP changes.
      for (const id of change.keyPublicIds ?? []) scimTokens.invalidateToken(id);
      for (const id of change.idpIds ?? []) scimTokens.invalidateProvider(id);
    });
    const mailer = observedMailer(createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir, log }));
    const context: AppContext = {
      config, log, store, secrets, keys, scimTokens, access, rows, mailer, changes,
      clock: systemClock,
      authLimits: new AuthLimits(config, clock),
      graceUsage: new KeyGraceUsage(),
      samlFailureRefetches: new Map(),
      async close() {
        stopSweeper();
        stopGrantExpiry();
        stopCheckpoints();
        stopFailurePruning();
        stopStream();
        await stopGraceUsage();
        mailer.close();
        await changes.close();
        await store.close();
      },
    };
    // Expired SSO login attempts and replay-guard rows go every 10 minutes, on every process (§8).
    const stopSweeper = startLoginSweeper(context);
    const stopCheckpoints = startAuditCheckpoints(context, config.auditCheckpointIntervalMs);
    // Failed authentications past AX_AUTH_FAILURE_RETENTION_DAYS go every 10 minutes, on every process.
    const stopFailurePruning = startAuthenticationFailurePruning(context);
    const stopStream = startAuditStream(context);
    const stopGraceUsage = startGraceUsageFlush(context);
    // Expired role bindings and memberships are removed, with an audit row, every 30 s (issue 17).
    const stopGrantExpiry = startGrantExpirySweeper(context);
    return context;
  } catch (error) {
    await store.close();
    throw error;
  }
}
