/**
 * The HTML report's script (src/report/html/client/main.ts and the modules it imports), bundled
 * into one string by scripts/bundle.mjs at build time and written to dist/report/html/client-script.js.
 * Tests run from the sources find the built file through jest.config.js.
 */
export declare const CLIENT_SCRIPT: string;
