import { badRequest } from '../domain/errors.js';

/** PATCH with no field to change is a 400 (Arize's clients never send one; a script that does has a bug). */
export function requireSomeField<T extends object>(body: T): T {
  if (Object.keys(body).length === 0) throw badRequest('body: at least one field to update is required');
  return body;
}
