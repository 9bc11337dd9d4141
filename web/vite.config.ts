import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** What compresses well; images and fonts are compressed already. */
const TEXT_FILE = /\.(?:js|css|html|svg|json)$/;

const ENCODERS = [
  { suffix: '.br', encode: (bytes: Buffer) => promisify(brotliCompress)(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }) },
  { suffix: '.gz', encode: (bytes: Buffer) => promisify(gzip)(bytes, { level: constants.Z_BEST_COMPRESSION }) },
];

/**
 * Writes `<file>.br` and `<file>.gz` beside every text file of the bundle, at the highest levels since this runs
 * once per build and not per request; the server (src/http/plugins/console.ts) picks one by Accept-Encoding.
 * A variant no smaller than its file is not written, and the server then sends the file itself.
 */
function precompress(): Plugin {
  return {
    name: 'ax:precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir!;
      await Promise.all(
        Object.keys(bundle)
          .filter((name) => TEXT_FILE.test(name))
          .map(async (name) => {
            const bytes = await readFile(join(dir, name));
            await Promise.all(
              ENCODERS.map(async ({ suffix, encode }) => {
                const encoded = await encode(bytes);
                if (encoded.length < bytes.length) await writeFile(join(dir, name + suffix), encoded);
              }),
            );
          }),
      );
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: {
      output: {
        manualChunks: (id) => {
          // React is most of the first load and changes only with a dependency bump: its own chunk stays cached
          // across releases of the console.
          if (/\/node_modules\/(?:react|react-dom|scheduler)\//.test(id)) return 'react';
          // The shared components and helpers in one chunk fetched with the entry, rather than a dozen chunks of
          // a few hundred bytes requested after it by whichever page needs them.
          if (/\/web\/src\/(?:components|lib)\//.test(id)) return 'common';
          return undefined;
        },
      },
    },
  },
});
