/**
 * A chart of the model written in the native format (docs/chart-format.md), for
 * `b12lint convert`: what b12lint read from an input, in the format people write charts in.
 * Read back as a native chart it is the same chart, so it gives the same findings. What the
 * native format has no field for is kept as extra fields, which the format allows and ignores:
 * `mappedFrom` and `system` on diagnoses.
 */
import type { Chart, Diagnosis, Encounter, Lab, Medication, Service } from './model.js';

type Obj = Record<string, unknown>;

/** Leaves out the keys whose value is undefined, keeping the order the spec writes them in. */
function compact(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

function diagnosis(d: Diagnosis): Obj {
  return compact({
    code: d.code,
    description: d.description,
    status: d.status,
    system: d.system,
    mappedFrom: d.mappedFrom ? compact({ ...d.mappedFrom }) : undefined,
  });
}

function service(s: Service, e: Encounter): Obj {
  return compact({
    code: s.code,
    units: s.units,
    date: s.dateText === e.dateText ? undefined : s.dateText,
    dose: s.dose
      ? compact({
          value: s.dose.value,
          unit: s.dose.unit,
          concentration: s.dose.concentration ? `${s.dose.concentration.value} ${s.dose.concentration.unit}` : undefined,
        })
      : undefined,
    diagnoses: s.linked?.map((d) => d.rank),
  });
}

function encounter(e: Encounter): Obj {
  return compact({
    id: e.id,
    date: e.dateText,
    setting: e.setting,
    diagnoses: e.diagnoses.map(diagnosis),
    services: e.services.map((s) => service(s, e)),
    notes: e.notes.map((n) => ({ section: n.section, text: n.text })),
  });
}

const FLAGS = { low: 'L', high: 'H', normal: 'N' } as const;

function lab(l: Lab): Obj {
  // A plain number is written as a number; "<50" or "142 pg/mL" as the text it was read from.
  const plain = l.value !== undefined && l.comparator === undefined && String(l.value) === l.valueText;
  return compact({
    loinc: l.loinc,
    test: l.test,
    value: plain ? l.value : l.valueText === '' ? undefined : l.valueText,
    unit: l.unit,
    date: l.dateText,
    referenceRange: l.referenceRange ? compact({ ...l.referenceRange }) : undefined,
    flag: l.interpretation ? FLAGS[l.interpretation] : undefined,
  });
}

function medication(m: Medication): Obj {
  return compact({ name: m.name, code: m.code, system: m.system, date: m.dateText });
}

export function toNative(chart: Chart): Obj {
  return compact({
    chartId: chart.chartId,
    patient: compact({ id: chart.patient.id, birthDate: chart.patient.birthDateText, sex: chart.patient.sex }),
    encounters: chart.encounters.map(encounter),
    labs: chart.labs.length ? chart.labs.map(lab) : undefined,
    medications: chart.medications.length ? chart.medications.map(medication) : undefined,
  });
}
