import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/** Parsed bodies nest at most 32 levels (json-body-parser.ts); the scan stops well past that. */
const MAX_SCAN_DEPTH = 64;

/** The JSON pointer of the first string (value or key) holding U+0000, or undefined. */
function nulAt(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > MAX_SCAN_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = nulAt(value[i], `${path}/${i}`, depth + 1);
      if (at !== undefined) return at;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = key.includes('\u0000') ? `${path}/${key.replaceAll('\u0000', '\\u0000')}` : nulAt(item, `${path}/${key}`, depth + 1);
    if (at !== undefined) return at;
  }
  return undefined;
}

/**
 * Whether nulAt() would find a U+0000, without building a pointer for every value on the way: every request's
 * params, query and body are scanned, and almost none holds one.
 */
function hasNul(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object' || depth > MAX_SCAN_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (hasNul(item, depth + 1)) return true;
    return false;
  }
  for (const key of Object.keys(value)) {
    if (key.includes('\u0000') || hasNul((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

/**
 * U+0000 is refused in every string the API accepts — body, query and path — before the schema runs, so no route
 * can forget it: PostgreSQL cannot store it in text (it answered 500, issue 8 item 3) and no name needs it.
 */
function refusingNul(validate: ValidateFunction): ValidateFunction {
  const wrapped = ((data: unknown, context?: object) => {
    const at = hasNul(data, 0) ? nulAt(data, '', 0) : undefined;
    if (at !== undefined) {
      const error: ErrorObject = { instancePath: at, schemaPath: '#', keyword: 'nul', params: {}, message: 'must not contain the NUL character (U+0000)' };
      wrapped.errors = [error];
      return false;
    }
    const valid = validate(data, context as never);
    wrapped.errors = validate.errors;
    return valid;
  }) as ValidateFunction;
  Object.defineProperty(wrapped, 'schemaEnv', { value: validate.schemaEnv });
  return wrapped;
}

function validatorFactory(coerceTypes: false | 'array'): Ajv.default {
  const ajv = new Ajv.default({ allErrors: false, removeAdditional: false, useDefaults: true, coerceTypes, strict: false });
  addFormats.default(ajv);
  return ajv;
}

/**
 * One pair of validator factories per process, not per app: Ajv caches what it compiled by schema object, and the
 * wire schemas are module constants, so a second app in the process (a restart in place, each test file's server)
 * reuses the compiled validators instead of compiling every route's schemas again (most of an app's start time).
 */
let validators: { strict: Ajv.default; coercing: Ajv.default } | undefined;

/**
 * Bodies are validated strictly: unknown fields and wrong types are 400s, never silently dropped or coerced.
 * Query strings and path parameters arrive as text and are coerced (`limit=10` → 10; repeated keys → arrays).
 */
export function registerValidation(app: FastifyInstance): void {
  validators ??= { strict: validatorFactory(false), coercing: validatorFactory('array') };
  const { strict, coercing } = validators;
  app.setValidatorCompiler(({ schema, httpPart }) =>
    refusingNul((httpPart === 'body' ? strict : coercing).compile(schema as object)) as never);
}
