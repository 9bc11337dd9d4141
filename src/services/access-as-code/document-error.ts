import { ApiError } from '../../domain/errors.js';
import { type DocPath, formatPath } from './document.js';

/** One thing wrong with a document, where it is. */
export interface DocumentIssue {
  path: DocPath;
  message: string;
}

/** Errors of a document read well but naming what does not exist or breaking a rule: a 422 listing each one. */
export class AccessDocumentInvalid extends ApiError {
  constructor(readonly issues: readonly DocumentIssue[]) {
    super('UNPROCESSABLE', issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('\n'), { title: 'Invalid access document' });
  }
}

/** Collects a document's issues, so that one answer lists them all (up to a bound). */
export class IssueList {
  private readonly issues: DocumentIssue[] = [];

  add(path: DocPath, message: string): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path, message });
  }

  /** Throws the 422 when anything was added. */
  throwIfAny(): void {
    if (this.issues.length > 0) throw new AccessDocumentInvalid(this.issues);
  }
}

/** More than this many errors are left out of one answer. */
const MAX_ISSUES = 100;
