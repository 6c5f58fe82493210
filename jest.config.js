// One jest run, several projects: pure libraries (unit), and the API against the real
// PostgreSQL and Redis (integration, serial because it shares one database).
module.exports = {
  projects: [
    '<rootDir>/libs/tenancy',
    '<rootDir>/libs/forfait-engine',
    '<rootDir>/libs/audit-questionnaire',
    '<rootDir>/libs/api-contracts',
    '<rootDir>/apps/api',
  ],
};
