/**
 * chooseBranches (src/rules/schema-check.ts) keeps, of an anyOf's errors, those of the branch
 * meant for the value. It now finds the errors under each anyOf through a tree of their places;
 * it was a filter of every error for each anyOf (8,000 rules with one each took 10 s). The
 * filter is kept here as the specification, and both are run on the validator's own errors for
 * generated rulesets and configs.
 */
import { jest } from '@jest/globals';
import fc from 'fast-check';
import type { ErrorObject } from 'ajv';
import { chooseBranches, schemaErrors, takesType, typeOf } from '../src/rules/schema-check.js';

type Schema = Record<string, unknown>;

/** The filter as it was: every error looked at for each anyOf. */
function filtered(errors: readonly ErrorObject[]): ErrorObject[] {
  let out = errors.filter((e) => e.keyword !== 'if');
  for (const any of errors.filter((e) => e.keyword === 'anyOf')) {
    const branches = (any.schema ?? []) as Schema[];
    const type = typeOf(any.data);
    const explicit = branches.findIndex((b) => takesType(b, type) === true);
    const open = branches.findIndex((b) => takesType(b, type) === undefined);
    const within = (e: ErrorObject): boolean => e.instancePath === any.instancePath || e.instancePath.startsWith(`${any.instancePath}/`);
    const inBranch = (e: ErrorObject, i: number): boolean => e.schemaPath.startsWith(`${any.schemaPath}/${i}/`);
    const inAny = (e: ErrorObject): boolean => branches.some((_, i) => inBranch(e, i));
    if (branches.every((b) => b.type === undefined && Array.isArray(b.required))) {
      out = out.filter((e) => !inAny(e));
      continue;
    }
    const refRefuses = out.some((e) => e.keyword === 'type' && e.instancePath === any.instancePath && !inAny(e));
    const chosen = explicit >= 0 ? explicit : refRefuses ? -1 : open;
    out = out.filter((e) => {
      if (e === any) return chosen < 0;
      if (!within(e)) return true;
      if (chosen < 0) return false;
      return inBranch(e, chosen) || (explicit < 0 && !inAny(e));
    });
  }
  return out;
}

const odd = fc.oneof(
  fc.constant(5),
  fc.constant('x'),
  fc.constant(null),
  fc.constant([1, 'a']),
  fc.constant({ code: 5 }),
  fc.constant({ gt: 'b12' }),
  fc.constant({ lab: { test: 7 } }),
  fc.constant({ all: [{ text: 3 }, { diagnosis: { code: [] } }] }),
  fc.constant({ any: 'nope' }),
  fc.constant({ not: { service: { within: 3 } } }),
  fc.constant({ status: 5 }),
  fc.constant(['D51.*']),
  fc.constant({ code: 'D51.*', status: 'bogus' }),
);
const rule = fc.record(
  {
    id: fc.oneof(fc.constantFrom('r1', 'r2', 'Bad Id'), fc.constant(3)),
    severity: fc.constantFrom('error', 'warning', 'loud'),
    title: fc.constantFrom('t', ''),
    on: fc.constantFrom('service', 'diagnosis', 'encounter', 'chart', 'lab', 'weird'),
    match: odd,
    when: odd,
    cite: fc.array(odd, { maxLength: 3 }),
    message: fc.constantFrom('m', 7),
  },
  { requiredKeys: [] },
);

test('on generated rulesets, the errors kept are those the filter kept, in the same order', () => {
  fc.assert(
    fc.property(
      fc.array(rule, { maxLength: 6 }),
      fc.dictionary(fc.constantFrom('values', 'codesets', 'labs', 'terms'), odd),
      (rules, extra) => {
        const errors = schemaErrors('ruleset', { ruleset: 't', ...extra, rules });
        expect(chooseBranches(errors)).toEqual(filtered(errors));
      },
    ),
    { numRuns: 400 },
  );
});

test('on generated configs, the same', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom('rules', 'ruleset', 'format', 'ignore', 'overrides', 'extends'), odd), (config) => {
      const errors = schemaErrors('config', config);
      expect(chooseBranches(errors)).toEqual(filtered(errors));
    }),
    { numRuns: 300 },
  );
});

test('1,000 rules with an anyOf error each: the errors under each are found without looking at all of them', () => {
  const rules = Array.from({ length: 1000 }, (_, i) => ({
    id: `r${i}`,
    severity: 'error',
    title: 't',
    on: 'diagnosis',
    match: { status: 5 },
    message: 'm',
  }));
  const errors = schemaErrors('ruleset', { ruleset: 't', rules });
  expect(errors.filter((e) => e.keyword === 'anyOf').length).toBeGreaterThanOrEqual(1000);
  const expected = filtered(errors);
  const startsWith = jest.spyOn(String.prototype, 'startsWith');
  let kept: ErrorObject[];
  try {
    kept = chooseBranches(errors);
    // The filter: each anyOf's place compared with every error's, five million times.
    expect(startsWith.mock.calls.length).toBeLessThan(20 * errors.length);
  } finally {
    startsWith.mockRestore();
  }
  expect(kept).toEqual(expected);
});
