/**
 * b12lint's own lint (`npm run lint`, run by .ci/run after the type-check). Layout is Prettier's
 * job (.prettierrc.json); these rules catch what a review of the tree found by hand: duplicate
 * imports, unused code, and functions too long or too branchy to read in one screen.
 *
 * A function over a limit is split. The few that stay over carry an `eslint-disable-next-line`
 * with the reason on the same line; keep them few.
 */
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'coverage/**', 'bench/out/**', 'test/.tmp/**', 'schemas/**', 'docs/**', 'fixtures/**', 'node_modules/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // One import statement per module (a separate `import type` from it is allowed).
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Length and branching: a function reads in one screen.
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
      complexity: ['error', 30],
      'max-depth': ['error', 5],
      // Control characters in patterns are deliberate here: terminal and XML escaping, hostile chart text.
      'no-control-regex': 'off',
      // Patterns that mirror YAML indentation read better with the spaces written out.
      'no-regex-spaces': 'off',
    },
  },
  {
    // A list as long as an input makes it must not be spread into one call's arguments: 130,000
    // overflow the stack (src/core/arrays.ts has pushAll, maxOf and minOf).
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(push|unshift)$/] > SpreadElement',
          message: 'push(...list) passes every item as an argument; use pushAll (src/core/arrays.ts).',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name=/^(max|min)$/] > SpreadElement",
          message: 'Math.max(...list) passes every item as an argument; use maxOf or minOf (src/core/arrays.ts).',
        },
      ],
    },
  },
  {
    // The HTML report's script runs in the browser.
    files: ['src/report/html/client/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The benchmark's corpus writers spell out whole charts and exports as templates, step by step.
    files: ['bench/**/*.mjs'],
    rules: { 'max-lines-per-function': 'off' },
  },
  {
    // Tests: describe() blocks are long by nature; the limits apply to the functions inside them.
    files: ['test/**/*.ts'],
    rules: {
      'max-lines-per-function': 'off',
      // Tests walk parsed JSON reports and SARIF documents, untyped by nature.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
