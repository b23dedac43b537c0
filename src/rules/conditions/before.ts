/**
 * The `before` option shared by `service` and `medication`: `true` means dated before the
 * subject's date; a test name (b12) means dated before the latest result of that test in the
 * lookback window (therapy given before a lab, so a normal level is expected).
 */
import { shift } from '../duration.js';
import type { CompileContext, NodePath, Scope } from '../types.js';

/** The last day allowed for the scope (Infinity: no limit), or null when the anchoring result is absent. */
export type BeforeLimit = (scope: Scope) => number | null;

export function compileBefore(
  before: boolean | string | undefined,
  cc: CompileContext,
  at: NodePath = [...cc.path, 'before'],
): BeforeLimit {
  if (before === true) return (scope) => scope.day - 1;
  if (typeof before !== 'string') return () => Infinity;
  const test = cc.lab(before, at);
  const lookback = cc.lookback;
  return (scope) => {
    if (!test) return null;
    const latest = scope.ctx.latestResult(test, shift(scope.day, lookback, -1), scope.day);
    return latest ? latest.date - 1 : null;
  };
}
