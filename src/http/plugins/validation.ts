import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/**
 * Bodies are validated strictly: unknown fields and wrong types are 400s, never silently dropped or coerced.
 * Query strings and path parameters arrive as text and are coerced (`limit=10` → 10; repeated keys → arrays).
 */
export function registerValidation(app: FastifyInstance): void {
  const strict = new Ajv.default({ allErrors: false, removeAdditional: false, useDefaults: true, coerceTypes: false, strict: false });
  const coercing = new Ajv.default({ allErrors: false, removeAdditional: false, useDefaults: true, coerceTypes: 'array', strict: false });
  addFormats.default(strict);
  addFormats.default(coercing);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema as object) as never);
}
