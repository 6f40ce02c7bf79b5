/**
 * npm test: the Kubernetes manifests and docker-compose.yml rendered and checked against the
 * Kubernetes API schemas and against the built apps (run with the manifests' environment).
 */
module.exports = {
  displayName: 'deploy',
  preset: '../jest.preset.js',
  testEnvironment: 'node',
  globalSetup: '<rootDir>/../libs/database/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../libs/database/src/testing/global-teardown.ts',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  testTimeout: 120_000,
  maxWorkers: 1,
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
};
