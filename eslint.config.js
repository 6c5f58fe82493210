// ESLint flat config. Module boundaries are the architecture card made executable:
// apps depend on libs, never the reverse; domain libs (forfait-engine, audit-questionnaire)
// stay pure: no Nest, no TypeORM, no database driver.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');
const reactHooks = require('eslint-plugin-react-hooks');

const NO_FORWARD_REF = {
  selector: "CallExpression[callee.name='forwardRef']",
  message: 'forwardRef hides a circular dependency: split the module instead.',
};

module.exports = tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.data/**', '**/*.js', 'apps/admin/src/api/schema.d.ts', 'apps/admin/test-output/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', NO_FORWARD_REF],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:infra'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:infra'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain'],
              bannedExternalImports: ['@nestjs/*', 'typeorm', 'pg', 'bullmq', 'ioredis', 'puppeteer-core'],
            },
          ],
        },
      ],
    },
  },
  {
    // The web app (issue #8): React hooks rules; it reaches the API over HTTP only, never its code.
    files: ['apps/admin/**/*.ts', 'apps/admin/**/*.tsx'],
    ...reactHooks.configs.flat['recommended-latest'],
  },
  {
    files: ['apps/admin/src/**/*.ts', 'apps/admin/src/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/api/**', '@mtr/api', '@mtr/tenancy', '@mtr/migrations'], message: 'The web app talks to the API over HTTP (src/api/client.ts); shared types come from @mtr/api-contracts.' }] }],
    },
  },
  {
    // Tenant isolation: feature code never touches the raw DataSource or a pg pool; it gets
    // a tenant-bound EntityManager from TenantDb (libs/tenancy + apps/api/src/database).
    files: ['apps/api/src/**/*.ts'],
    ignores: ['apps/api/src/database/**', 'apps/api/src/**/*.spec.ts', 'apps/api/src/**/testing/**', 'apps/api/src/cli/**', 'apps/api/src/bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'pg', message: 'Use TenantDb (database/tenant-db.ts): it sets app.tenant_id in a transaction.' },
            {
              name: 'typeorm',
              importNames: ['DataSource', 'getRepository', 'createConnection'],
              message: 'Use TenantDb (database/tenant-db.ts): a query outside it has no tenant and sees nothing.',
            },
            { name: '@nestjs/typeorm', message: 'Repositories come from the tenant-bound EntityManager.' },
          ],
        },
      ],
    },
  },
);
