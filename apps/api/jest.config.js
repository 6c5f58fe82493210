module.exports = require('../../jest.preset.js')(__dirname, {
  displayName: 'api',
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60000,
});
