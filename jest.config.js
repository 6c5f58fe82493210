// One jest run, several projects: pure libraries (unit), and the API against the real
// PostgreSQL and Redis (integration, serial because it shares one database).
module.exports = {
  // A global option: in a multi-project run a project's own testTimeout is ignored (5 s default),
  // too short for the real-database tests on a loaded 2-core machine.
  testTimeout: 60000,
  projects: [
    '<rootDir>/libs/tenancy',
    '<rootDir>/libs/forfait-engine',
    '<rootDir>/libs/audit-questionnaire',
    '<rootDir>/libs/api-contracts',
    '<rootDir>/apps/api',
  ],
};
