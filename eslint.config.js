import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'charts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['scripts/**/*.mjs', 'scripts/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The pure core must not reach into adapters.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['../kalshi/*', '../store/*', '../journal/*', '../jobs/*', '../cli/*', '../obs/*', '../sim/*'], message: 'src/core is pure: it imports nothing from adapters.' },
          { group: ['ioredis', 'undici', '@nats-io/*', 'pino', 'prom-client', 'yargs'], message: 'src/core is pure: no I/O libraries.' },
        ],
      }],
    },
  },
);
