// Lint: typescript-eslint's recommended rules, and the layering of docs/architecture.md enforced with
// eslint-plugin-boundaries. No suppressions: a violation fails `npm run lint`, which `npm test` runs.
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * Each layer of src/, and the layers it may import. Imports point one way:
 * http/cli → services → (access, role-mapping, keys, auth, mail, sso, store) → domain.
 */
const LAYERS = {
  domain: [],
  access: ['domain'],
  'role-mapping': ['domain'],
  keys: ['domain'],
  auth: ['domain'],
  mail: ['domain'],
  store: ['domain'],
  config: ['domain'],
  // Single sign-on protocols: SAML and OIDC message handling, IdP metadata, and the guarded outbound fetch.
  sso: ['domain'],
  // The wire shapes (TypeBox schemas): the one source of the request and response types.
  wire: ['domain'],
  // The `ax` profile files on disk: written by `ax` and by the server's first start.
  profiles: [],
  services: ['access', 'role-mapping', 'keys', 'auth', 'mail', 'sso', 'store', 'domain'],
  http: ['services', 'wire', 'domain'],
  client: [],
  cli: ['client', 'profiles', 'domain'],
  // The process wiring (composition root) assembles every layer but the CLI.
  server: ['config', 'http', 'services', 'access', 'role-mapping', 'keys', 'auth', 'mail', 'sso', 'store', 'profiles', 'wire', 'domain'],
};

/** Type-only imports allowed across layers: the shapes a layer reads without depending on the code behind them. */
const TYPE_ONLY = {
  // The services answer with store rows and the engine's explanations; the presenters turn them into wire shapes.
  http: ['store', 'access'],
  // The client's request and response types are the server's wire schemas (Static<>), never their code.
  client: ['wire'],
};

const element = (type) => ({ element: { type } });
const anyOf = (types) => ({ element: { types: { anyOf: types } } });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'web/dist/**', 'bench/results.json', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: './tsconfig.json' } },
      'boundaries/include': ['src/**/*.ts'],
      // src/index.ts, the package's map of public exports, is outside the layers.
      'boundaries/elements': Object.keys(LAYERS).map((layer) => ({ type: layer, pattern: `src/${layer}` })),
    },
    rules: {
      'boundaries/dependencies': ['error', {
        default: 'disallow',
        policies: [
          ...Object.entries(LAYERS).map(([layer, allowed]) => ({ from: element(layer), allow: { to: anyOf([layer, ...allowed]) } })),
          ...Object.entries(TYPE_ONLY).map(([layer, allowed]) => ({
            from: element(layer), allow: { to: anyOf(allowed) }, dependency: { kind: 'type' },
          })),
          // `ax serve` loads the server (lazily: no other command pays for it).
          { from: element('cli'), allow: { to: element('server') } },
        ],
      }],
    },
  },
  {
    // bin/ax.js is CommonJS on purpose (bin/package.json): an ES module entry point costs ~20 ms at every start.
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
