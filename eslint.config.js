// @ts-check
/** @module ESLint flat config: typescript-eslint with type information, TSDoc syntax, layer order. */
import tseslint from 'typescript-eslint';
import tsdoc from 'eslint-plugin-tsdoc';
import jsdoc from 'eslint-plugin-jsdoc';

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
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
