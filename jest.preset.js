// Shared jest settings: SWC transpiles TypeScript (with decorator metadata for Nest DI),
// workspace libs resolve to their sources so tests never need a prior build.
const path = require('node:path');

module.exports = function preset(dir, extra = {}) {
  return {
    rootDir: dir,
    testEnvironment: 'node',
    transform: {
      '^.+\\.(t|j)s$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2022',
          },
          module: { type: 'commonjs' },
        },
      ],
    },
    moduleNameMapper: {
      '^@mtr/(tenancy|forfait-engine|audit-questionnaire|api-contracts)$': path.join(__dirname, 'libs/$1/src/index.ts'),
      '^@mtr/migrations$': path.join(__dirname, 'migrations/src/index.ts'),
    },
    testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    ...extra,
  };
};
