/**
 * Smoke runs of the benchmarks: each bench with a tiny N, through the same functions as the
 * `npm run bench:*` scripts, so that they do not rot. The real figures come from the scripts.
 */
module.exports = {
  displayName: 'bench',
  preset: '../jest.preset.js',
  testEnvironment: 'node',
  // one PostgreSQL for the run (or DATABASE_URL), as the other test suites have it
  globalSetup: '<rootDir>/../libs/database/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../libs/database/src/testing/global-teardown.ts',
  testMatch: ['<rootDir>/src/**/*.smoke-spec.ts'],
  testTimeout: 180_000,
  // the smoke run starts its own PostgreSQL and app processes: one file at a time on 2 cores
  maxWorkers: 1,
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
};
