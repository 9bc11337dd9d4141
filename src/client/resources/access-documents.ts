import type { Static } from '@sinclair/typebox';
import type { HttpTransport } from '../http-transport.js';
import type {
  AccessApplied as AccessAppliedSchema, AccessDocument as AccessDocumentSchema, AccessPlan as AccessPlanSchema,
} from '../../wire/access-document.js';

/** The account's access as code: organizations, spaces, projects, custom roles and grants, by name. */
export type AccessDocument = Static<typeof AccessDocumentSchema>;
/** What applying a document would do: its operations and every principal's rights gained and lost. */
export type AccessPlan = Static<typeof AccessPlanSchema>;
/** What an apply did. */
export type AccessApplied = Static<typeof AccessAppliedSchema>;

/** A document as JSON, or its YAML (or JSON) text: errors in text name its lines and columns. */
export type AccessDocumentInput = AccessDocument | { yaml: string };

/**
 * Access as code (account admins): export the account's access document, plan a document against the account, apply
 * it in one transaction. `prune` also removes what the document does not list.
 *
 * @example
 * const plan = await ax.accessDocuments.plan({ yaml: readFileSync('access.yaml', 'utf8') });
 * for (const op of plan.operations) console.log(op.action, op.kind, op.target);
 */
export class AccessDocumentsResource {
  constructor(private readonly http: HttpTransport) {}

  async export(): Promise<AccessDocument> {
    return (await this.http.request<AccessDocument>({ method: 'GET', path: '/v2/access/export' })).body;
  }

  async plan(document: AccessDocumentInput, options: { prune?: boolean } = {}): Promise<AccessPlan> {
    return (await this.http.request<AccessPlan>({ method: 'POST', path: '/v2/access/plan', query: { prune: options.prune || undefined }, body: document })).body;
  }

  async apply(document: AccessDocumentInput, options: { prune?: boolean } = {}): Promise<AccessApplied> {
    return (await this.http.request<AccessApplied>({ method: 'POST', path: '/v2/access/apply', query: { prune: options.prune || undefined }, body: document })).body;
  }
}
