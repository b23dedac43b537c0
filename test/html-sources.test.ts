/** The reader the CLI gives the HTML report for the chart lines around findings (src/run/sources.ts). */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSourceLines } from '../src/run/sources.js';

describe('fileSourceLines', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'b12-sources-'));
    writeFileSync(join(dir, 'lf.yaml'), 'one\ntwo\nthree\nfour\n');
    writeFileSync(join(dir, 'crlf-bom.yaml'), '\ufeffone\r\ntwo\r\nthree');
    writeFileSync(join(dir, 'utf16.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{\n "a": "é"\n}', 'utf16le')]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('returns just the lines asked for, relative to the folder it was given', () => {
    expect(fileSourceLines(dir, 1024)('lf.yaml', new Set([2, 3]))).toEqual(
      new Map([
        [2, 'two'],
        [3, 'three'],
      ]),
    );
  });

  test('drops carriage returns and the byte-order mark, and decodes UTF-16 as the run does', () => {
    expect(fileSourceLines(dir, 1024)('crlf-bom.yaml', new Set([1, 2, 3]))).toEqual(
      new Map([
        [1, 'one'],
        [2, 'two'],
        [3, 'three'],
      ]),
    );
    expect(fileSourceLines(dir, 1024)('utf16.json', new Set([2]))).toEqual(new Map([[2, ' "a": "é"']]));
  });

  test('lines past the end are simply absent', () => {
    expect(fileSourceLines(dir, 1024)('lf.yaml', new Set([4, 5, 6]))).toEqual(
      new Map([
        [4, 'four'],
        [5, ''],
      ]),
    );
  });

  test('a chart file that is a link gives nothing, wherever it points (charts/x.yaml -> a key file)', () => {
    writeFileSync(join(dir, 'secret.txt'), 'aws_secret_access_key = SECRETSECRET\n');
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'linked.yaml'));
    symlinkSync(join(dir, 'lf.yaml'), join(dir, 'also.yaml'));
    expect(fileSourceLines(dir, 1024)('linked.yaml', new Set([1]))).toBeUndefined();
    expect(fileSourceLines(dir, 1024)('also.yaml', new Set([1]))).toBeUndefined();
  });

  test('a missing file, or one over the size limit, gives nothing', () => {
    expect(fileSourceLines(dir, 1024)('missing.yaml', new Set([1]))).toBeUndefined();
    expect(fileSourceLines(dir, 4)('lf.yaml', new Set([1]))).toBeUndefined();
  });
});
