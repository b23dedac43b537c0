/** LOINC code syntax: digits, a hyphen and a mod-10 check digit. Which codes mean what is ruleset data. */

/** LOINC codes end in a mod-10 check digit (the Luhn algorithm over the digits before the hyphen). */
export function loincCheckDigitValid(code: string): boolean {
  const m = /^(\d{1,7})-(\d)$/.exec(code.trim());
  return m !== null && loincCheckDigit(m[1]!) === Number(m[2]);
}

/** The check digit a LOINC code's number part should end with. */
export function loincCheckDigit(digits: string): number {
  let sum = 0;
  let double = true;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return (10 - (sum % 10)) % 10;
}
