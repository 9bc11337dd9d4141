import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { accessDocumentYaml } from '../../domain/access-document-text.js';
import * as accessDocumentsService from '../../services/access-as-code/access-documents.js';
import { AccessDocumentInvalid } from '../../services/access-as-code/document-error.js';
import type { AccessDocument as DocumentInput } from '../../services/access-as-code/document.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import {
  AccessApplied, AccessApplyQuery, AccessDocument, AccessDocumentBody, AccessDocumentProblem as AccessDocumentProblemSchema, AccessPlan,
} from '../../wire/access-document.js';
import { errorResponses } from '../../wire/common.js';
import { AccessDocumentProblem, positioned, readAccessDocument } from '../access-document-input.js';
import { actorOf, principalOf } from '../actor.js';
import { presentDocumentOutcome } from '../presenters/access-document.js';
import { traceServices } from '../tracing/service-tracing.js';

const { applyAccessDocument, exportAccessDocument, planAccessDocument } = traceServices('access-documents', accessDocumentsService);

const tags = ['access-as-code'];
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
/** A whole account's document (thousands of grants) outgrows the server's 1 MiB default; only these two routes take it. */
const DOCUMENT_BODY_LIMIT = 32 * 1024 * 1024;

const documentProblem = {
  description: 'The document is not YAML or not the schema (400), or names what does not exist or breaks a rule (422): every error with its path, line and column',
  content: { 'application/problem+json': { schema: AccessDocumentProblemSchema } },
};

export async function accessAsCodeRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // YAML text arrives as the `{"yaml": …}` body it stands for.
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit: DOCUMENT_BODY_LIMIT }, (_request, body, done) => done(null, { yaml: body }));

  app.get('/v2/access/export', {
    schema: {
      tags,
      description: 'The account\'s access document (account admins): YAML, or JSON when Accept asks for application/json.',
      response: {
        200: { content: { 'application/yaml': { schema: Type.String() }, 'application/json': { schema: AccessDocument } } },
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    const document = await exportAccessDocument(ctx, principalOf(request));
    reply.header('cache-control', 'no-store').header('vary', 'accept');
    if (wantsJson(request)) return reply.type('application/json; charset=utf-8').send(document);
    return reply.type('application/yaml; charset=utf-8').send(accessDocumentYaml(document));
  });

  app.post('/v2/access/plan', {
    bodyLimit: DOCUMENT_BODY_LIMIT,
    config: { reads: true },
    schema: {
      tags,
      description: 'What applying the document would change: the operations and every principal\'s rights gained and lost. Nothing is written.',
      body: AccessDocumentBody, querystring: AccessApplyQuery,
      response: { 200: AccessPlan, ...errorResponses, 400: documentProblem, 422: documentProblem },
    },
  }, async (request, reply) => withDocument(request, reply, async (document) => {
    const outcome = await planAccessDocument(ctx, actorOf(request), document, { prune: request.query.prune ?? false });
    return reply.header('cache-control', 'no-store').send(presentDocumentOutcome(outcome, true));
  }));

  app.post('/v2/access/apply', {
    bodyLimit: DOCUMENT_BODY_LIMIT,
    schema: {
      tags,
      description: 'Applies the document in one transaction, all or nothing; with prune=true also removes what it does not list.',
      body: AccessDocumentBody, querystring: AccessApplyQuery,
      response: { 200: AccessApplied, ...errorResponses, 400: documentProblem, 422: documentProblem },
    },
  }, async (request, reply) => withDocument(request, reply, async (document) => {
    const prune = request.query.prune ?? false;
    // The request's own audit row names the document by digest (each operation has a row of its own), not by its text.
    const actor = { ...actorOf(request), text: JSON.stringify({ prune, document_sha256: createHash('sha256').update(documentText(request.body)).digest('hex') }) };
    const outcome = await applyAccessDocument(ctx, actor, document, { prune });
    return reply.send(presentDocumentOutcome(outcome, false));
  }));
}

function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('json') && !accept.includes('yaml');
}

/** The document as it was sent: its YAML text, or its JSON. */
function documentText(body: unknown): string {
  const document = documentOf(body);
  return typeof document === 'string' ? document : JSON.stringify(document);
}

/** The YAML text of a `{"yaml": …}` body or of an application/yaml one, else the JSON document itself. */
function documentOf(body: unknown): unknown {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 1 && typeof (body as { yaml?: unknown }).yaml === 'string') {
    return (body as { yaml: string }).yaml;
  }
  return body;
}

/** Reads the document, runs `use`, and answers a document's errors with their positions in its text. */
async function withDocument(request: FastifyRequest, reply: FastifyReply, use: (document: DocumentInput) => Promise<FastifyReply>) {
  try {
    principalOf(request);
    const { document, locate } = readAccessDocument(documentOf(request.body));
    try {
      return await use(document);
    } catch (error) {
      if (error instanceof AccessDocumentInvalid) throw new AccessDocumentProblem('UNPROCESSABLE', error.issues.map((i) => positioned(locate, i.path, i.message)));
      throw error;
    }
  } catch (error) {
    if (!(error instanceof AccessDocumentProblem)) throw error;
    return reply.code(error.status).type('application/problem+json')
      .send(JSON.stringify({ status: error.status, title: error.title, code: error.code, detail: error.detail, errors: error.issues }));
  }
}

