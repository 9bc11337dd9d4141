import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { presentRoleBinding } from '../../src/http/presenters/role-bindings.js';
import { presentSpace } from '../../src/http/presenters/spaces.js';
import { presentUser } from '../../src/http/presenters/users.js';
import type { ListedUser } from '../../src/store/repositories/users.js';
import type { RoleBindingRow, SpaceRow } from '../../src/store/schema.js';
import type { BareServerConfig } from './bare-server-config.js';

/** The body of POST /pg/role-bindings: the subject's body, wire ids and all. */
interface BindingBody {
  user_id: string;
  role_id: string;
  resource_type: 'SPACE';
  resource_id: string;
}

/** A wire id's number (`base64("Type:n")`), unchecked: the peer trusts its load generator. */
const idNumber = (wireId: string) => Number(Buffer.from(wireId, 'base64').toString('latin1').split(':')[1]);

const ACCOUNT_ID = 1;

/**
 * The PostgreSQL peers, on a pool sized and configured as the server's (src/store/database.ts: 10 connections, JIT
 * off). Each route runs the server's statement (or the same two inserts) and presents the rows with the server's own
 * presenters, so that only the server's framework, authentication, access check and query building differ.
 * Returns the pool's close.
 */
export function registerPostgresRoutes(app: FastifyInstance, config: NonNullable<BareServerConfig['postgres']>): () => Promise<void> {
  const pool = new pg.Pool({ connectionString: config.url, max: 10, keepAlive: true, options: '-c jit=off' });
  const { spaceRead, usersPage, bindingActorUserId } = config;
  if (spaceRead) {
    app.get('/pg/space', async () => {
      const { rows } = await pool.query<SpaceRow>(spaceRead.sql, [...spaceRead.parameters]);
      return presentSpace(rows[0]!);
    });
  }
  if (usersPage) {
    app.get('/pg/users', async () => {
      const { rows } = await pool.query<ListedUser>(usersPage.sql, [...usersPage.parameters]);
      return {
        users: rows.slice(0, usersPage.limit).map(presentUser),
        pagination: { has_more: rows.length > usersPage.limit, next_cursor: usersPage.nextCursor },
      };
    });
  }
  if (bindingActorUserId !== undefined) {
    app.post<{ Body: BindingBody }>('/pg/role-bindings', async (request, reply) => {
      const body = request.body;
      const now = new Date().toISOString();
      const client = await pool.connect();
      try {
        await client.query('begin');
        const { rows } = await client.query<RoleBindingRow>(
          `insert into role_bindings (account_id, user_id, role_id, resource_type, space_id, project_id, created_at, updated_at)
           values ($1, $2, $3, 'SPACE', $4, null, $5, $5) returning *`,
          [ACCOUNT_ID, idNumber(body.user_id), idNumber(body.role_id), idNumber(body.resource_id), now]);
        await client.query(
          `insert into audit_logs (account_id, user_id, ip, operation_type, operation_name, operation_text, variables, created_at)
           values ($1, $2, $3, 'MUTATION', 'POST /v2/role-bindings', $4, null, $5)`,
          [ACCOUNT_ID, bindingActorUserId, request.ip, JSON.stringify(body), now]);
        await client.query('commit');
        return await reply.code(201).send(presentRoleBinding(rows[0]!));
      } catch (error) {
        await client.query('rollback');
        throw error;
      } finally {
        client.release();
      }
    });
  }
  return () => pool.end();
}
