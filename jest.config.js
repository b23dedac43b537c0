/** Jest runs the TypeScript tests through ts-jest in ESM mode (node --experimental-vm-modules). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/browser/'],
  moduleNameMapper: {
    // The HTML report's script exists only built (scripts/bundle.mjs): tests read it from dist/.
    '^\\./html/client-script\\.js$': '<rootDir>/dist/report/html/client-script.js',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testTimeout: 60000,
  // The environment the tests and the CLI's child processes inherit (no cache key written in the real home
  // folder, a temporary folder of the run's own), and its removal.
  globalSetup: '<rootDir>/test/helpers/global-setup.js',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.js',
};
