/**
 * The entries of b12lint's threads (src/run/reader.ts, src/run/worker.ts) hold no top-level
 * `await`. A thread is often stopped before it has done anything (a spare reader no errand took,
 * prefetch.ts SpareReader), and Node.js 20 can abort the whole process when a worker is stopped
 * while its module is still being evaluated asynchronously (V8: "Check failed: (location_) !=
 * nullptr" in SourceTextModule::ExecuteAsyncModule, seen once in CI). A thread that waits for its
 * errand with a listener instead has finished evaluating its module, and stops cleanly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './helpers/cli.js';

/** The `await`s of a module's text that are not inside a function or class (top-level awaits). */
function topLevelAwaits(text: string): number {
  const source = ts.createSourceFile('module.ts', text, ts.ScriptTarget.Latest, true);
  let found = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) found++;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test.each(['src/run/reader.ts', 'src/run/worker.ts'])('%s has no top-level await', (file) => {
  expect(topLevelAwaits(readFileSync(join(ROOT, file), 'utf8'))).toBe(0);
});

test('the check finds a top-level await where there is one, and none inside functions', () => {
  expect(topLevelAwaits('const x = await Promise.resolve(1); for await (const y of z) f(y); async function f() { await x; }')).toBe(2);
  expect(topLevelAwaits('const g = async () => { await 1; }; class C { async m() { await 2; } }')).toBe(0);
});
