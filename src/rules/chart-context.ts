/**
 * Per-chart indexes the conditions share, built lazily once per chart: the results of each
 * named test (converted to the test's unit, latest first) and every service of the chart.
 */
import type { Chart, Day, Encounter, Lab, Service } from '../chart/model.js';
import type { CompiledLab } from './labs.js';

export interface ResolvedLab {
  lab: Lab;
  date: Day;
  /** In the test's canonical unit. */
  value: number;
  comparator?: Lab['comparator'];
}

export interface DatedService {
  service: Service;
  encounter: Encounter;
}

export class ChartContext {
  private labs = new Map<string, ResolvedLab[]>();
  private servicesCache: DatedService[] | undefined;

  constructor(readonly chart: Chart) {}

  /** Results of a test that can be compared (a number, a date, a convertible unit), latest first. */
  resultsOf(test: CompiledLab): ResolvedLab[] {
    let list = this.labs.get(test.name);
    if (list) return list;
    list = [];
    for (const lab of this.chart.labs) {
      if (lab.value === undefined || lab.date === undefined || !test.takes(lab)) continue;
      const c = test.convert(lab.value, lab.unit);
      if (!c.ok) continue;
      const r: ResolvedLab = { lab, date: lab.date, value: c.value };
      if (lab.comparator) r.comparator = lab.comparator;
      list.push(r);
    }
    list.sort((a, b) => b.date - a.date);
    this.labs.set(test.name, list);
    return list;
  }

  /** The latest result of a test dated within [from, to], if any. */
  latestResult(test: CompiledLab, from: Day, to: Day): ResolvedLab | undefined {
    return this.resultsOf(test).find((r) => r.date >= from && r.date <= to);
  }

  /** Every service of the chart with its encounter, in date order. */
  services(): DatedService[] {
    if (this.servicesCache) return this.servicesCache;
    const out: DatedService[] = [];
    for (const encounter of this.chart.encounters) for (const service of encounter.services) out.push({ service, encounter });
    out.sort((a, b) => a.service.date - b.service.date);
    this.servicesCache = out;
    return out;
  }
}
