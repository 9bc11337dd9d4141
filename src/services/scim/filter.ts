import { type Filter, parse } from 'scim2-parse-filter';
import { scimInvalid } from '../../domain/scim-error.js';
import { parseScimId } from '../../domain/scim-ids.js';
import type { ScimUserCondition } from '../../store/repositories/scim-users.js';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:user:';
const STRING_ATTRIBUTES = { username: 'userName', externalid: 'externalId', 'emails.value': 'email' } as const;

/**
 * Reads a `/Users` `filter` into at most two conditions, all of which must hold: `userName eq`, `externalId eq`,
 * `emails[type eq "work"].value eq`, `emails.value eq`, `id eq`, `active eq`, and `and` of two of them. Anything else
 * (another operator or attribute, `or`, `not`, a third condition) is 400 `invalidFilter`: a list is SQL, never a scan
 * of every user in memory, so only what the indexes serve is offered.
 */
export function parseUserFilter(text: string | undefined): ScimUserCondition[] {
  if (text === undefined || text.trim() === '') return [];
  let ast: Filter;
  try {
    ast = parse(text);
  } catch (error) {
    throw scimInvalid('invalidFilter', `the filter cannot be parsed: ${(error as Error).message}`);
  }
  const terms = ast.op === 'and' ? flattenAnd(ast) : [ast];
  const conditions: ScimUserCondition[] = [];
  for (let i = 0; i < terms.length; i++) {
    const term = terms[i]!;
    // scim2-parse-filter reads `emails[type eq "work"].value eq "x"` as `emails[type eq "work"] and emails.value eq "x"`.
    if (term.op === '[]') {
      const next = terms[i + 1];
      if (!isWorkEmails(term) || next?.op !== 'eq' || attribute(next.attrPath) !== 'emails.value') throw unsupported(text);
      conditions.push(condition(next, text));
      i++;
      continue;
    }
    conditions.push(condition(term, text));
  }
  if (conditions.length > 2) throw scimInvalid('invalidFilter', 'at most two conditions joined by "and" are supported');
  return conditions;
}

function flattenAnd(filter: Filter): Filter[] {
  return filter.op === 'and' && 'filters' in filter ? filter.filters.flatMap(flattenAnd) : [filter];
}

function attribute(path: string): string {
  const lower = path.toLowerCase();
  return lower.startsWith(CORE_USER) ? lower.slice(CORE_USER.length) : lower;
}

function isWorkEmails(term: Filter): boolean {
  if (term.op !== '[]' || !('valFilter' in term) || attribute(term.attrPath) !== 'emails') return false;
  const inner = term.valFilter;
  return inner.op === 'eq' && 'compValue' in inner && inner.attrPath.toLowerCase() === 'type' && typeof inner.compValue === 'string' && inner.compValue.toLowerCase() === 'work';
}

function condition(term: Filter, text: string): ScimUserCondition {
  if (term.op !== 'eq' || !('compValue' in term)) throw unsupported(text);
  const name = attribute(term.attrPath);
  const value = term.compValue;
  if (name === 'active') {
    if (typeof value === 'boolean') return { by: 'active', value };
    if (typeof value === 'string' && /^(true|false)$/i.test(value)) return { by: 'active', value: value.toLowerCase() === 'true' };
    throw scimInvalid('invalidFilter', 'active is compared with true or false');
  }
  if (typeof value !== 'string') throw scimInvalid('invalidFilter', `${term.attrPath} is compared with a string`);
  if (name === 'id') return { by: 'id', value: parseScimId('User', value) };
  const by = STRING_ATTRIBUTES[name as keyof typeof STRING_ATTRIBUTES];
  if (by === undefined) throw unsupported(text);
  return { by, value };
}

const unsupported = (text: string) => scimInvalid('invalidFilter',
  `unsupported filter ${JSON.stringify(text)}: supported are userName, externalId, emails[type eq "work"].value, emails.value, id and active with "eq", and "and" of two of them`);
