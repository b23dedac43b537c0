/**
 * Validation against the official schemas in ../shared/schemas: SARIF 2.1.0 (a JSON Schema of
 * draft-04, which Ajv reads through ajv-draft-04, with ajv-formats for its uri and date-time
 * formats) and the Ant JUnit XSD (libxml2's xmllint, compiled to WebAssembly by xmllint-wasm,
 * so nothing has to be installed on the machine). Each returns the list of problems, or
 * undefined when the schema is absent (a test that is about validity is declared with
 * testShared, test/helpers/shared.ts, so it is reported as skipped then); under CI=true an
 * absent schema is an error.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { validateXML } from 'xmllint-wasm';
import { sharedFile } from './shared.js';

// Both packages are CommonJS whose module.exports is the function itself.
const require = createRequire(import.meta.url);
const Ajv = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

export function sarifProblems(text: string): string[] | undefined {
  const path = sharedFile('schemas/sarif-schema-2.1.0.json');
  if (!path) return undefined;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(path, 'utf8')) as object);
  return validate(JSON.parse(text))
    ? []
    : (validate.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message ?? ''}`);
}

export async function junitProblems(xml: string): Promise<string[] | undefined> {
  const path = sharedFile('schemas/junit-windyroad.xsd');
  if (!path) return undefined;
  const result = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [readFileSync(path, 'utf8')] });
  return result.errors.map((e) => e.rawMessage);
}
