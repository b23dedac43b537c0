/**
 * A count as en-US writes it, with a comma between groups of three digits ("19,191"), the same
 * text as `n.toLocaleString('en-US')`. Written out because the first toLocaleString of a process
 * loads ICU's number formats, 20 to 30 ms: a tenth of a one-chart run, which prints a count or
 * two. A number that is not a whole one of at most 21 digits is left to toLocaleString.
 */
export function grouped(n: number): string {
  if (!Number.isInteger(n) || Math.abs(n) >= 1e21) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, digits.length % 3 || 3);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 || Object.is(n, -0) ? `-${out}` : out;
}
