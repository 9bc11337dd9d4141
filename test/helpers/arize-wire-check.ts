import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/** One answer as Arize's TypeScript client received it, before the client reshaped it. */
export interface RecordedAnswer {
  method: string;
  /** The OpenAPI path the client called, e.g. `/v2/users/{user_id}`. */
  schemaPath: string;
  status: number;
  /** The media type of the answer (`application/json`, `application/problem+json`), if it had a body. */
  mediaType: string | undefined;
  body: unknown;
}

/**
 * Arize's OpenAPI document as the client compiled it (openapi-typescript): `paths[path][method].responses[status]
 * .content[mediaType]`. The package exports only its entry point, so the file is found beside it.
 */
function arizeTypesFile(): string {
  const entry = createRequire(import.meta.url).resolve('@arizeai/ax-client');
  return join(dirname(entry), '__generated__/api/v2.d.ts');
}

const HEADER = [
  `import type { paths } from ${JSON.stringify(arizeTypesFile().replace(/\.d\.ts$/, '.js'))};`,
  // Compared through a variable (not a fresh literal), so that fields Arize does not know (our problem `code`) are
  // allowed, as for any JSON client, while a missing field, a wrong type or an unknown enum value is an error.
  'type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;',
];

/**
 * Checks each answer against Arize's schema for that operation, status and media type, with the TypeScript compiler
 * over the client's own generated types: an undeclared status (a 422 where Arize lists none), an error answered as
 * plain JSON, a missing required field (an audit entry without `user_id`) or a value outside an enum is reported.
 * Answers without a body must be ones Arize declares without content. Returns one line per divergence.
 */
export function divergencesFromArizeSchema(answers: readonly RecordedAnswer[]): string[] {
  const lines = [...HEADER];
  const at = new Map<number, RecordedAnswer>();
  answers.forEach((answer, i) => {
    const operation = `paths[${JSON.stringify(answer.schemaPath)}][${JSON.stringify(answer.method.toLowerCase())}]['responses'][${answer.status}]`;
    at.set(lines.length, answer);
    if (answer.body === undefined) {
      lines.push(`export type R${i} = ${operation}; export const n${i}: ${operation}['content'] = undefined;`);
    } else {
      const type = `DeepReadonly<${operation}['content'][${JSON.stringify(answer.mediaType ?? 'none')}]>`;
      lines.push(`const v${i} = ${JSON.stringify(answer.body)} as const; export const r${i}: ${type} = v${i};`);
    }
  });
  const dir = mkdtempSync(join(tmpdir(), 'arize-wire-'));
  try {
    const file = join(dir, 'answers.ts');
    writeFileSync(file, lines.join('\n'));
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ['lib.es2022.d.ts'],
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    });
    const source = program.getSourceFile(file)!;
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    return diagnostics.map((d) => {
      const line = d.start === undefined ? -1 : source.getLineAndCharacterOfPosition(d.start).line;
      const answer = at.get(line);
      const what = answer ? `${answer.method} ${answer.schemaPath} → ${answer.status} ${answer.mediaType ?? '(no body)'}` : `line ${line}`;
      const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      // The end of TypeScript's chain names the field at fault; the start, the value.
      return `${what}: ${message.length > 1000 ? `${message.slice(0, 300)} … ${message.slice(-600)}` : message}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
