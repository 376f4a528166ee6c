import js from '@eslint/js';
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
