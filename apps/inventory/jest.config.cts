module.exports = {
  displayName: 'inventory',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  // one real PostgreSQL for the run (embedded, or DATABASE_URL); each test file makes its own database
  globalSetup: '<rootDir>/../../libs/database/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/database/src/testing/global-teardown.ts',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.int-spec.ts'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../coverage/apps/inventory',
};
