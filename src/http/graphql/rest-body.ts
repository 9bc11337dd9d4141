import type { TSchema } from '@sinclair/typebox';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { badRequest } from '../../domain/errors.js';

let ajv: Ajv.default | undefined;
const compiled = new WeakMap<TSchema, ValidateFunction>();

function validatorOf(schema: TSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    // As REST validates bodies (plugins/validation.ts): strict, nothing coerced or dropped.
    if (!ajv) {
      ajv = new Ajv.default({ allErrors: false, removeAdditional: false, useDefaults: false, coerceTypes: false, strict: false });
      addFormats.default(ajv);
    }
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * The body a mutation hands its service, checked against the TypeBox schema the REST route validates the same call
 * with (src/wire), so that GraphQL's types — which say "a String", not "1–255 characters, not blank" — let through
 * nothing REST refuses. A refusal is REST's VALIDATION_FAILED and detail, naming the GraphQL argument (`names` maps
 * REST's field to it where they differ, at any depth: `role_mappings.0.attributes_map` → `roleMappings.0.attributesMap`).
 */
export function checkedRestBody<B>(schema: TSchema, body: B, names: Readonly<Record<string, string>> = {}): B {
  const validate = validatorOf(schema);
  if (validate(body)) return body;
  const first = validate.errors?.[0];
  const path = (first?.instancePath ?? '').replace(/^\//, '').split('/').filter((p) => p !== '');
  const field = path.map((segment) => names[segment] ?? segment).join('.') || 'input';
  throw badRequest(`${field}: ${first?.message ?? 'is invalid'}`);
}
