const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  // Jest's 5 s default fails sound tests on a loaded 2-core machine (npm test runs two projects
  // at once, each with its own PostgreSQL work). Tests never bound wall-clock time themselves:
  // this is only the backstop against a hang. Projects that start processes set more.
  testTimeout: 60_000,
};
