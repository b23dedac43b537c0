/** The real-browser tests (test/browser/): `npm run test:browser`, kept out of `npm test` so that needs no browser. */
import base from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/browser'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
};
