import type { Static } from '@sinclair/typebox';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';
import { type Document as YamlDocument, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ApiError, type ErrorCode } from '../domain/errors.js';
import { formatPath } from '../services/access-as-code/document.js';
import { AccessDocument } from '../wire/access-document.js';

type DocPath = readonly (string | number)[];

/** One error of a document, where it is: the path, and the line and column (1-based) when it came as text. */
export interface PositionedIssue { path: string; line?: number; column?: number; message: string }

/** Where a path of the document starts in its text (undefined for a JSON body, or a path the text lacks). */
export type Locator = (path: DocPath) => { line: number; column: number } | undefined;

/** A 400 or 422 about an access document, answered with each issue's path and position (see AccessDocumentProblem). */
export class AccessDocumentProblem extends ApiError {
  constructor(code: ErrorCode, readonly issues: readonly PositionedIssue[]) {
    super(code, issues.map(describeIssue).join('\n'), { title: 'Invalid access document' });
  }
}

/** `spaces[2].members[0].role: unknown role "Editr" (line 14, column 15)` */
function describeIssue(issue: PositionedIssue): string {
  const where = issue.line === undefined ? '' : ` (line ${issue.line}, column ${issue.column})`;
  return `${issue.path === '' ? 'document' : issue.path}: ${issue.message}${where}`;
}

export function positioned(locate: Locator, path: DocPath, message: string): PositionedIssue {
  return { path: formatPath(path), ...locate(path), message };
}

let validator: ReturnType<Ajv.default['compile']> | undefined;

/** Every error, not only the first: a document is fixed in one go. */
function validate(value: unknown): ErrorObject[] {
  if (!validator) {
    const ajv = new Ajv.default({ allErrors: true, strict: false, verbose: true });
    addFormats.default(ajv);
    validator = ajv.compile(AccessDocument);
  }
  return validator(value) ? [] : validator.errors ?? [];
}

/**
 * Reads the body of plan and apply: YAML (or JSON) text, or the document as a JSON value. Text that is not YAML,
 * or a document that does not match the schema, is a 400 listing every error with its path — and its line and
 * column when the document came as text. Answers the document and where each of its paths is in the text.
 */
export function readAccessDocument(body: unknown): { document: Static<typeof AccessDocument>; locate: Locator } {
  if (typeof body !== 'string') return { document: validated(body, () => undefined), locate: () => undefined };
  const document = quickRead(body);
  if (document !== undefined) return { document, locate: lazyLocator(body) };
  const { value, locate } = readText(body);
  return { document: validated(value, locate), locate };
}

/** The value of a YAML text, and its locator; text that is not YAML, an alias past the bound or a NUL is a 400. */
function readText(text: string): { value: unknown; locate: Locator } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new AccessDocumentProblem('VALIDATION_FAILED', doc.errors.slice(0, 20).map((e) => {
      const at = lines.linePos(e.pos[0]);
      return { path: '', line: at.line, column: at.col, message: e.message.split('\n')[0]! };
    }));
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias expanding past the bound (a "billion laughs" document): refused, not expanded.
    throw new AccessDocumentProblem('VALIDATION_FAILED', [{ path: '', message: (error as Error).message }]);
  }
  const locate = nodeLocator(doc, lines);
  const nul = nulPath(value, []);
  if (nul) throw new AccessDocumentProblem('VALIDATION_FAILED', [positioned(locate, nul, 'must not contain the NUL character (U+0000)')]);
  return { value, locate };
}

/** The value as a document, or a 400 listing every way it is not one. */
function validated(value: unknown, locate: Locator): Static<typeof AccessDocument> {
  const errors = validate(value);
  if (errors.length > 0) {
    throw new AccessDocumentProblem('VALIDATION_FAILED', schemaIssues(errors).map(({ path, message }) => positioned(locate, path, message)));
  }
  return value as Static<typeof AccessDocument>;
}

/**
 * The document of a text that is a valid one, without aliases, read by js-yaml (YAML 1.2's core schema, as `yaml`
 * reads it): 0.6 s for an account of 10,000 users and 100,000 bindings (8.8 MB), where `yaml`'s parseDocument, which
 * keeps every node's position, takes 4.4 s. Anything else (an error, an alias, which `yaml` bounds) is undefined:
 * the text is then read again by `yaml`, whose errors say where they are.
 */
function quickRead(text: string): Static<typeof AccessDocument> | undefined {
  let value: unknown;
  try {
    value = load(text, { maxAliases: 0 });
  } catch {
    return undefined;
  }
  if (nulPath(value, []) !== undefined || validate(value).length > 0) return undefined;
  return value as Static<typeof AccessDocument>;
}

/** A text's locator, its nodes' positions read only when a position is asked for (a document refused by the plan). */
function lazyLocator(text: string): Locator {
  let locate: Locator | undefined;
  return (path) => {
    locate ??= readText(text).locate;
    return locate(path);
  };
}

function nodeLocator(doc: YamlDocument, lines: LineCounter): Locator {
  return (path) => {
    const offset = nodeAt(doc.contents, path)?.range?.[0];
    if (offset === undefined) return undefined;
    const at = lines.linePos(offset);
    return { line: at.line, column: at.col };
  };
}

/** The path of the first string (value or key) holding U+0000, which no name needs and PostgreSQL cannot store. */
function nulPath(value: unknown, path: (string | number)[]): (string | number)[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || path.length > 16) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = Array.isArray(value) ? Number(key) : key;
    if (key.includes('\u0000')) return [...path];
    const found = nulPath(item, [...path, at]);
    if (found) return found;
  }
  return undefined;
}

/** The deepest node of the path that the text has (a missing field points at the object that lacks it). */
function nodeAt(root: unknown, path: DocPath): Node | undefined {
  let node = root as Node | null | undefined;
  for (const part of path) {
    let next: unknown;
    if (isMap(node)) next = node.items.find((pair) => isScalar(pair.key) && pair.key.value === part)?.value;
    else if (isSeq(node) && typeof part === 'number') next = node.items[part];
    if (next === undefined || next === null) break;
    node = next as Node;
  }
  return node ?? undefined;
}

/** Ajv's errors as paths and sentences, one per path (the first says enough), a bounded number of them. */
function schemaIssues(errors: readonly ErrorObject[]): { path: DocPath; message: string }[] {
  const byPath = new Map<string, { path: DocPath; message: string }>();
  for (const e of errors) {
    const path: (string | number)[] = e.instancePath.split('/').slice(1).map((p) => /^\d+$/.test(p) ? Number(p) : p.replaceAll('~1', '/').replaceAll('~0', '~'));
    const params = e.params as Record<string, unknown>;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      path.push(String(params.additionalProperty));
      message = 'unknown field';
    } else if (e.keyword === 'required') {
      message = `missing required field "${String(params.missingProperty)}"`;
    } else if (e.keyword === 'enum') {
      // The one enum of the document: a role's permissions.
      message = `unknown permission ${JSON.stringify(e.data)}`;
    }
    const key = JSON.stringify(path);
    if (!byPath.has(key) && byPath.size < 100) byPath.set(key, { path, message });
  }
  return [...byPath.values()];
}
