// ESLint flat config. The import restrictions encode the layering of ARCHITECTURE.md:
// the pure core never touches vscode*, LSP or Node built-ins, and only server/src/lsp
// may import the language-server runtime.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'util',
  'crypto',
  'events',
  'stream',
  'readline',
  'worker_threads',
];
const nodePatterns = nodeBuiltins.flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      '.tmp/**',
      'test/e2e/node_modules/**',
      '**/*.js',
      '**/*.mjs',
      'test/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/lsp/**', 'server/src/main.ts', 'server/src/server.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The server never imports vscode.' }],
          patterns: [
            {
              group: ['vscode-languageserver', 'vscode-languageserver/*'],
              message: 'Only server/src/lsp imports the language-server runtime.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/features/**/*.ts', 'server/src/languageService.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The server never imports vscode.' }],
          patterns: [
            {
              group: ['vscode-languageserver', 'vscode-languageserver/*'],
              message:
                'Only server/src/lsp imports the language-server runtime; use vscode-languageserver-types.',
            },
            { group: ['../lsp/*'], message: 'features are connection-free.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/{parser,model,netfilter,istio,analysis,trace}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodePatterns.map((name) => ({ name, message: 'The pure core must not use Node built-ins.' })),
            { name: 'vscode', message: 'The pure core must not import vscode.' },
          ],
          patterns: [
            {
              group: ['vscode-*', 'vscode-*/**'],
              message: 'The pure core must not import vscode* packages.',
            },
            {
              group: ['../features/*', '../lsp/*', '../../features/*', '../../lsp/*'],
              message: 'Data flows one way: the core does not import features or lsp.',
            },
          ],
        },
      ],
    },
  },
);
