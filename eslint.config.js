import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'bench/results/',
      'coverage/',
      'dist/',
      'api/board/dist/',
      'test-output/',
      'src/spapi/generated/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The import graph: no cycle anywhere (type-only imports are checked by
    // test/architecture/imports.test.ts); the CLI and the API meet only in src/connect.ts;
    // the solver and the API contract stand alone.
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
      'import-x/extensions': ['.ts', '.mts', '.js'],
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.mts', '.js'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './api',
              from: './src/cli',
              message: 'the API builds its pieces through src/connect.ts, not the command line',
            },
            {
              target: './solver',
              from: './',
              except: ['./solver', './node_modules'],
              message: 'the solver imports nothing outside solver/',
            },
            {
              target: './api/contract',
              from: './',
              except: ['./api/contract', './node_modules'],
              message: 'the API contract imports nothing but zod, so every layer may import it',
            },
            {
              target: './api/routes',
              from: './api/routes',
              message: 'a route does not import another route; shared work lives beside them in api/',
            },
          ],
        },
      ],
    },
  },
  {
    // Size limits: no file over 600 lines (every line counted), no function over 120 lines
    // (blank lines and comments not counted, so a function is never shortened by deleting
    // its explanation). Tests and benchmarks are exempt. Exceptions are named below, each
    // with its reason, and listed in docs/contributing.md ("Size limits and their exceptions").
    files: ['src/**/*.ts', 'api/**/*.ts', 'solver/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 600, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': [
        'error',
        { max: 120, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
    },
  },
  {
    // The solver's hot loops: long flat functions over typed arrays on purpose (splitting them
    // costs time per iteration): the exact schedule, the move evaluation, the search loop,
    // the problem's compilation into those arrays, and the independent checker, which
    // recomputes every quantity in one pass so that it shares no code with the search.
    files: [
      'solver/schedule.ts',
      'solver/localsearch.ts',
      'solver/search.ts',
      'solver/data.ts',
      'solver/checker.ts',
      'solver/checker-links.ts',
    ],
    rules: { 'max-lines-per-function': 'off' },
  },
  {
    // The VROOM converters: each one function mapping every field in one pass.
    files: ['solver/formats/vroom.ts', 'solver/formats/vroom-write.ts'],
    rules: { 'max-lines': 'off', 'max-lines-per-function': 'off' },
  },
  {
    // The optimisation core stays free of I/O, clocks and logging.
    files: ['solver/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'Date', 'fetch', 'process', 'console'],
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', '../src/*', '../api/*', '**/src/**', '**/api/**'] },
      ],
    },
  },
);
