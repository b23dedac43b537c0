/**
 * The registry of condition kinds. Each module declares its options and evaluates them; the
 * engine adds only `all`, `any` and `not`. Adding a condition kind is adding a file and a line here.
 */
import type { ConditionModule } from '../types.js';
import { code } from './code.js';
import { count } from './count.js';
import { dose } from './dose.js';
import { diagnosis } from './diagnosis.js';
import { encounter } from './encounter.js';
import { field } from './field.js';
import { lab } from './lab.js';
import { measure } from './measure.js';
import { medication } from './medication.js';
import { mention } from './mention.js';
import { pair } from './pair.js';
import { patient } from './patient.js';
import { service } from './service.js';
import { subcodes } from './subcodes.js';
import { text } from './text.js';

export const CONDITIONS: ReadonlyMap<string, ConditionModule<never>> = new Map(
  (
    [
      diagnosis,
      service,
      lab,
      text,
      patient,
      encounter,
      field,
      code,
      count,
      medication,
      pair,
      mention,
      dose,
      subcodes,
      measure,
    ] as ConditionModule<never>[]
  ).map((m) => [m.kind, m]),
);

export const COMBINATORS = ['all', 'any', 'not'] as const;
