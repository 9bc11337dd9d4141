import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The kinds of test file by folder, slowest first: a browser or `ax` session started last would keep the run waiting alone. */
const ORDER: { kind: string; folders: string[] }[] = [
  { kind: 'e2e', folders: ['test/web/', 'test/cli/', 'test/e2e/', 'test/package/'] },
  { kind: 'http', folders: ['test/http/', 'test/store/'] },
];

/**
 * Starts the end-to-end files first, then the http ones, then the unit ones, each group in vitest's own order (the
 * last run's durations when cached, else the larger file first). On a clean clone vitest knows no durations, and its
 * size order left a one-minute browser or `npm pack` file for the end of the run. A file's kind is its project's
 * when the project is named after one (`e2e:sqlite`), else its folder's (`npm test`'s `sqlite` project holds all
 * three; test/cli's unit files rank as e2e there, which costs nothing: they take milliseconds).
 *
 * vitest runs the projects of a non-isolated pool one after the other, each to its end, one worker idling while the
 * other finishes the project's last file: the projects are ordered by their fastest kind, so the one holding the
 * unit files (milliseconds each) comes last and the run does not end on a long file.
 */
export class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
    const fastest = new Map<string, number>();
    for (const file of sorted) fastest.set(file.project.name, Math.max(fastest.get(file.project.name) ?? 0, rank(file)));
    return sorted.sort((a, b) => fastest.get(a.project.name)! - fastest.get(b.project.name)!);
  }
}

function rank(file: TestSpecification): number {
  const byProject = ORDER.findIndex(({ kind }) => kind === file.project.name.split(':')[0]);
  if (byProject !== -1) return byProject;
  if (file.project.name === 'unit') return ORDER.length;
  const path = relative(file.project.config.root, file.moduleId).replaceAll('\\', '/');
  const byFolder = ORDER.findIndex(({ folders }) => folders.some((folder) => path.startsWith(folder)));
  return byFolder === -1 ? ORDER.length : byFolder;
}
