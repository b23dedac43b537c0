import { cli } from './helpers/cli.js';

describe('b12lint on the bundled example charts', () => {
  test('prints findings grouped by file and exits 1', () => {
    const r = cli(['fixtures/charts']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^fixtures\/charts\/p-0001\.yaml$/m);
    expect(r.stdout).toMatch(/15:9 +error +J3420 is linked to D62: .* b12-injection-blood-loss-dx/);
    expect(r.stdout).toMatch(/✖ \d+ problems \(\d+ errors?, \d+ warnings?\)/);
  });
});
