// Each rule says why it is here; everything else is left to Prettier and tsc.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  {
    // Generated: checked for staleness instead.
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'data/**',
      'coverage/**',
      'examples/*/src/gql/**',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    rules: {
      // An unawaited promise swallows its rejection, which is fatal on Node ≥ 15.
      '@typescript-eslint/no-floating-promises': 'error',
      // Type-only imports vanish at runtime: no accidental import cycles or side effects.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Named exports only: one name per thing across the workspace.
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use a named export.' },
      ],
      // Configuration is read once, by loadConfig(env); nothing else reads the environment.
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through loadConfig(env).',
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Entry points and test setup are where the environment is read.
    files: [
      '**/src/main.ts',
      '**/src/migrate.ts',
      'scripts/src/**/*.ts',
      '**/*.test.ts',
      '**/test/**/*.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Tests assert on shapes they build by hand.
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
