import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A CPU profile frame's place: its script's URL, and its 0-based line and column there. */
export interface Frame {
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/**
 * Where a profiled frame's code was written: for a bundle with a source map beside it (the server's,
 * dist/server/start-server.bundle.mjs, which holds our modules and most dependencies in one file), the file URL and
 * 1-based line of the source the map gives (…/src/http/app.ts, …/node_modules/kysely/…), so that a profile still
 * splits by package and module and names a dependency's function as a process without the bundle does; any other
 * frame as it is. Each script's map is read once.
 */
export function frameOrigins(): (frame: Frame) => { url: string; line: number } {
  const maps = new Map<string, { map: SourceMap; dir: string } | undefined>();
  const mapOf = (url: string) => {
    if (!maps.has(url)) {
      const mapFile = url.startsWith('file:') ? `${fileURLToPath(url)}.map` : undefined;
      maps.set(url, mapFile && existsSync(mapFile)
        ? { map: new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]), dir: dirname(mapFile) }
        : undefined);
    }
    return maps.get(url);
  };
  return (frame) => {
    const source = mapOf(frame.url);
    const entry = source?.map.findEntry(frame.lineNumber, frame.columnNumber);
    return source && entry && 'originalSource' in entry
      ? { url: pathToFileURL(resolve(source.dir, entry.originalSource)).href, line: entry.originalLine + 1 }
      : { url: frame.url, line: frame.lineNumber + 1 };
  };
}
