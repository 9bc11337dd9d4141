import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/** Parsed bodies nest at most 32 levels (json-body-parser.ts); the scan stops well past that. */
const MAX_SCAN_DEPTH = 64;

/**
 * The JSON pointer of the first string (value or key) holding U+0000, or undefined. Every request's params, query
 * and body are scanned and almost none holds one, so the pointer is built only on the way back from a find.
 */
function nulAt(value: unknown, depth: number): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? '' : undefined;
  if (value === null || typeof value !== 'object' || depth > MAX_SCAN_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = nulAt(value[i], depth + 1);
      if (at !== undefined) return `/${i}${at}`;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key.includes('\u0000')) return `/${key.replaceAll('\u0000', '\\u0000')}`;
    const at = nulAt((value as Record<string, unknown>)[key], depth + 1);
    if (at !== undefined) return `/${key}${at}`;
  }
  return undefined;
}

/**
 * U+0000 is refused in every string the API accepts — body, query and path — before the schema runs, so no route
 * can forget it: PostgreSQL cannot store it in text (it answered 500, issue 8 item 3) and no name needs it.
 *
 * The schema is compiled when it first has something to check, not when its route is registered: compiling every
 * route's schemas was a third of a server process's start (~390 ms of ~2.2 s of CPU), and most processes never
 * receive most routes. Fastify hands the parent object (so Ajv may coerce or default a root value) only to a
 * validator with a `schemaEnv`, which every Ajv validator has: the property asks the compiled one.
 */
function refusingNul(compile: () => ValidateFunction): ValidateFunction {
  let validate: ValidateFunction | undefined;
  const compiled = () => (validate ??= compile());
  const wrapped = ((data: unknown, context?: object) => {
    const at = nulAt(data, 0);
    if (at !== undefined) {
      const error: ErrorObject = { instancePath: at, schemaPath: '#', keyword: 'nul', params: {}, message: 'must not contain the NUL character (U+0000)' };
      wrapped.errors = [error];
      return false;
    }
    const validator = compiled();
    const valid = validator(data, context as never);
    wrapped.errors = validator.errors;
    return valid;
  }) as ValidateFunction;
  Object.defineProperty(wrapped, 'schemaEnv', { get: () => compiled().schemaEnv });
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
  const { strict, coercing } = processValidators();
  app.setValidatorCompiler(({ schema, httpPart }) =>
    refusingNul(() => (httpPart === 'body' ? strict : coercing).compile(schema as object)) as never);
}

function processValidators(): { strict: Ajv.default; coercing: Ajv.default } {
  return validators ??= { strict: validatorFactory(false), coercing: validatorFactory('array') };
}

/**
 * The validator REST's routes check a body with, for a body that arrives another way (a GraphQL mutation's input):
 * the same strict factory, its compiled validators shared with the routes', U+0000 refused.
 */
export function bodyValidator(schema: object): ValidateFunction {
  return refusingNul(() => processValidators().strict.compile(schema));
}
