/**
 * Unit tests (*.spec.ts) and end-to-end tests (*.e2e-spec.ts): the latter run the built CLI as a
 * process against the three built apps (the test target builds them first).
 */
module.exports = {
  displayName: 'cli',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  globalSetup: '<rootDir>/../../libs/database/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/database/src/testing/global-teardown.ts',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 120_000,
  // an e2e file starts its own stack of processes: one file at a time keeps a 2-core machine honest
  maxWorkers: 1,
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  coverageDirectory: '../../coverage/apps/cli',
};
