import type { FastifyReply } from 'fastify';
import { previewChange } from '../services/dry-run.js';
import type { Actor } from '../services/mutation.js';
import { presentAccessPreview } from './presenters/access-preview.js';

/**
 * Answers `?dry_run=true` of a change that moves rights: 200 with the AccessPreview of `change` run as a dry run
 * (not cached: it describes the account as it is now).
 */
export async function replyWithPreview(reply: FastifyReply, actor: Actor, change: (actor: Actor) => Promise<unknown>): Promise<FastifyReply> {
  const preview = await previewChange(actor, change);
  return reply.code(200).header('cache-control', 'no-store').send(presentAccessPreview(preview));
}
