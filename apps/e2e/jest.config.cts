/** Black-box tests: the three built apps run as separate processes and talk gRPC and HTTP. */
module.exports = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  globalSetup: '<rootDir>/../../libs/database/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/database/src/testing/global-teardown.ts',
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  // a test waits for whole collects across three processes
  testTimeout: 120_000,
  // each file starts its own stack of processes: one file at a time keeps a 2-core machine honest
  maxWorkers: 1,
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
};
