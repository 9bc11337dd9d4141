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

/**
 * The entry (main.tsx) starts the first screen's requests and then imports the app: left alone, the browser would
 * ask for React and the app's code only once the entry had arrived and run. Every chunk the entry imports (the app),
 * every chunk those import in turn, and their stylesheets are named in index.html instead, fetched beside the entry.
 */
function preloadApp(): Plugin {
  return {
    name: 'ax:preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle, chunk: entry }) {
        if (!bundle || !entry) return [];
        // The entry's own imports are named already (vite adds them); stylesheets go imports first, as vite orders them.
        const seen = new Set([entry.fileName, ...entry.imports]);
        const scripts: string[] = [];
        const styles = new Set<string>();
        const visit = (fileName: string) => {
          const chunk = bundle[fileName];
          if (chunk?.type !== 'chunk' || seen.has(fileName)) return;
          seen.add(fileName);
          chunk.imports.forEach(visit);
          scripts.push(fileName);
          chunk.viteMetadata?.importedCss.forEach((css) => styles.add(css));
        };
        entry.dynamicImports.forEach(visit);
        return [
          ...scripts.map((href) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${href}` }, injectTo: 'head' as const })),
          ...[...styles].map((href) => ({ tag: 'link', attrs: { rel: 'stylesheet', crossorigin: true, href: `/${href}` }, injectTo: 'head' as const })),
        ];
      },
    },
  };
}

/**
 * Puts V8's explicit compile hint (`//# allFunctionsCalledOnLoad`, Chromium 136+; other engines read a comment) at
 * the top of React's chunk: V8 then compiles all its functions while it streams the chunk in, on a background thread,
 * instead of compiling each lazily on the main thread when first called. React's were ~30 ms of the API keys page's
 * main thread before its first row; hinting the console's own chunks as well compiled ~30 ms more in the background
 * (code no first screen calls) for 4 ms less on the main thread.
 */
function compileReactEagerly(): Plugin {
  return {
    name: 'ax:compile-react-eagerly',
    apply: 'build',
    // After minification, which drops comments, and before the file's name is hashed from its contents.
    enforce: 'post',
    renderChunk: {
      order: 'post',
      handler: (code, chunk) => (chunk.name === 'react' ? { code: `//# allFunctionsCalledOnLoad\n${code}`, map: null } : null),
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), preloadApp(), compileReactEagerly(), precompress()],
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
          // What the entry runs before React (web/src/boot and what it imports): kept out of the chunks above, whose
          // React imports would otherwise delay it until React had loaded and run.
          if (/\/web\/src\/boot\//.test(id)) return 'boot';
          return undefined;
        },
      },
    },
  },
});
