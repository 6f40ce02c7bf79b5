/**
 * npm run test:compose only (deploy/compose/test-compose.sh starts the stack first): the compose
 * stack tested from outside, over its published ports. Not part of npm test.
 */
module.exports = {
  displayName: 'deploy-compose',
  preset: '../jest.preset.js',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.compose-spec.ts'],
  testTimeout: 600_000,
  maxWorkers: 1,
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
};
