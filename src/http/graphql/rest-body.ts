import { Type, type TSchema } from '@sinclair/typebox';
import type { ValidateFunction } from 'ajv';
import { badRequest } from '../../domain/errors.js';
import { schemaErrorDetail } from '../plugins/errors.js';
import { bodyValidator } from '../plugins/validation.js';

const compiled = new WeakMap<TSchema, ValidateFunction>();

/**
 * The body a mutation hands its service, checked by the validator the REST route checks the same call with
 * (plugins/validation.ts, against the TypeBox schema in src/wire), so that GraphQL's types — which say "a String", not
 * "1–255 characters, not blank" — let through nothing REST refuses. A refusal is REST's VALIDATION_FAILED and detail,
 * naming the GraphQL argument (`names` maps REST's field to it where they differ, at any depth:
 * `role_mappings.0.attributes_map` → `roleMappings.0.attributesMap`).
 */
export function checkedRestBody<B>(schema: TSchema, body: B, names: Readonly<Record<string, string>> = {}): B {
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, validate = bodyValidator(schema));
  if (validate(body)) return body;
  const first = validate.errors?.[0];
  if (!first) throw badRequest('input: is invalid');
  throw badRequest(schemaErrorDetail(first, 'input', (segment) => names[segment] ?? segment));
}

const searchBodies = new WeakMap<TSchema, TSchema>();

/**
 * A connection's `search`, checked against the REST list filter it stands for (`Account.users(search)` is
 * `GET /v2/users?email=`, so `filter` is that query's `email` schema): GraphQL's String has no length, and an
 * over-long search is refused with the bound and detail REST gives, naming `search`.
 */
export function checkedSearch(filter: TSchema, search: string | null | undefined): string | undefined {
  if (search == null) return undefined;
  let body = searchBodies.get(filter);
  if (!body) searchBodies.set(filter, body = Type.Object({ search: filter }));
  return checkedRestBody(body, { search }).search;
}
