import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The kinds of project, slowest first: a browser or `ax` session started last would keep the run waiting alone. */
const ORDER = ['e2e', 'http', 'unit'];

/**
 * Starts the end-to-end files first, then the http ones, then the unit ones, each group in vitest's own order (the
 * last run's durations when cached, else the larger file first). On a clean clone vitest knows no durations, and its
 * size order left a one-minute browser or `npm pack` file for the end of the run.
 */
export class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const kind = (file: TestSpecification) => {
      const rank = ORDER.indexOf(file.project.name.split(':')[0]!);
      return rank === -1 ? ORDER.length : rank;
    };
    return (await super.sort(files)).sort((a, b) => kind(a) - kind(b));
  }
}
