// Lint: ESLint's recommended rules and typescript-eslint's type-checked ones (floating and misused promises, `any` leaking
// out of JSON.parse, objects stringified as "[object Object]"), checked against tsconfig.json. Formatting is Prettier's.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'data/', 'coverage/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Terminal output is matched and stripped with ANSI escape sequences (\x1b) on purpose.
      'no-control-regex': 'off',
      // Async methods that implement a Promise-returning interface (a signal log, an agent) need no await of their own.
      '@typescript-eslint/require-await': 'off',
      // Callbacks destructured from option and context objects (`const { authorize } = context`) are plain functions
      // declared with method syntax, not methods that use `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['test/**'],
    rules: {
      // Tests read JSON off sockets and processes and assert on its shape: the assertions are the type check there.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Plain JavaScript (the launcher, build scripts, a browser-like test client): outside tsconfig.json, so no type information.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    // The launcher is CommonJS (bin/signals.cjs): it compiles the CLI with a code cache, which needs `vm`.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
