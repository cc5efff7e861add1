// @ts-check
/** @module ESLint flat config: typescript-eslint with type information, TSDoc syntax, layer order. */
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';
import tsdoc from 'eslint-plugin-tsdoc';
import jsdoc from 'eslint-plugin-jsdoc';

/**
 * The layers of `src/` (folders), top to bottom, as README "How it works" draws them (DESIGN.md "Layers"). A folder
 * imports only from rows below its own; folders of one row do not import each other, except that `cli` imports `api` (the
 * `serve` command). `src/types.ts` and `src/errors.ts` are leaves anyone may import (they import nothing).
 */
const LAYERS = [
  ['cli', 'api'],
  ['report'],
  ['jobs'],
  ['pipeline'],
  ['review', 'accounts'],
  ['models', 'media'],
  ['store'],
  ['config'],
];
/**
 * @param row - index in LAYERS
 * @returns the folders of the rows below it
 */
const below = (row) => LAYERS.slice(row + 1).flat();
/** The API contract: the one module of `src/` the web app (`web/src/`) imports. */
const CONTRACT = 'src/api/contract.ts';
/** Files of `src/` outside every layer: they import nothing, and every layer may import them. */
const LEAVES = ['src/types.ts', 'src/errors.ts'];
const LAYER_MESSAGE =
  'src/{{from.type}} may not import src/{{to.type}}: imports point down only (layers in README "How it works")';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'models/', 'test-results/', 'web/dist/'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { tsdoc, jsdoc },
    rules: {
      'tsdoc/syntax': 'error',
      'jsdoc/require-jsdoc': [
        'error',
        {
          publicOnly: true,
          require: { FunctionDeclaration: true, ClassDeclaration: true, MethodDefinition: false },
          contexts: [
            'TSInterfaceDeclaration',
            'TSTypeAliasDeclaration',
            'ExportNamedDeclaration > VariableDeclaration',
          ],
        },
      ],
      curly: 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/require-await': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['fastify', 'bullmq', 'ioredis', 'child_process', 'node:child_process'],
              message: 'pipeline/ stays pure of HTTP, queues and processes',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'src/media/**',
      'src/jobs/**',
      'src/api/**',
      'src/cli/**',
      'test/**',
      'bench/**',
      'scripts/**',
      '**/*.test.ts',
      '**/*.contract.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Only src/store talks to the database: no driver and no query builder above it (tests open it through it too).
    files: ['src/**', 'test/**', 'bench/**', 'scripts/**', 'web/**'],
    ignores: ['src/store/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['kysely', 'better-sqlite3', 'pg'].map((name) => ({
            name,
            message:
              'only src/store sees the database driver and the query builder: use its repositories',
          })),
        },
      ],
    },
  },
  {
    files: ['src/**', 'web/src/**'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': [
        { type: 'web', pattern: 'web/src', partialMatch: false },
        ...LAYERS.flat().map((t) => ({ type: t, pattern: `src/${t}`, partialMatch: false })),
      ],
      'boundaries/files': [
        { category: 'contract', pattern: CONTRACT },
        { category: 'leaf', pattern: LEAVES },
        { category: 'test', pattern: ['test/**', '**/*.test.ts'] },
      ],
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          checkUnknownLocals: true,
          message: LAYER_MESSAGE,
          policies: [
            ...LAYERS.flatMap((types, row) =>
              types.map((t) => ({
                from: { element: { type: t } },
                allow: [
                  { to: { element: { types: [t, ...below(row)] } } },
                  { to: { file: { categories: 'leaf' } } },
                ],
              })),
            ),
            { from: { element: { type: 'cli' } }, allow: { to: { element: { type: 'api' } } } },
            {
              from: { file: { categories: 'test' } },
              allow: { to: { file: { categories: 'test' } } },
            },
            {
              from: { element: { type: 'web' } },
              disallow: [
                { to: { element: { types: ['api', ...below(0)] } } },
                { to: { file: { categories: 'leaf' } } },
              ],
              message: `the web app imports from src/ only through the API contract (${CONTRACT})`,
            },
            // The last matching policy decides: the contract (in src/api) is allowed after the rest of src/ is not.
            {
              from: { element: { type: 'web' } },
              allow: [
                { to: { element: { type: 'web' } } },
                { to: { file: { categories: 'contract' } } },
              ],
            },
            {
              // The contract names the server's types; only constant lists of src/types.ts reach the web bundle.
              from: { file: { categories: 'contract' } },
              disallow: {
                to: { element: { types: ['api', ...below(0)] } },
                dependency: { kind: 'value' },
              },
              message:
                'the API contract imports server modules as types only (import type / export type)',
            },
          ],
        },
      ],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
