import { describe, expect, it } from 'vitest';
import { compareLossCase } from '../checks/loss-cases.js';
import { measureEnsembleCase } from '../checks/ensemble-cases.js';
import { measureScheduleCase } from '../checks/schedule-cases.js';
import { ENSEMBLE_FIXTURES, LOSS_FIXTURES, SCHEDULE_FIXTURES } from '../fixtures/index.js';
import { expectClose } from './expect-close.js';
import type { SuiteContext } from './context.js';

/** Losses, gradients, schedules and ensembles against the float64 fixtures of generate.py. */
export function fixtureTests(ctx: SuiteContext): void {
  describe('losses and gradients vs float64 fixtures', () => {
    for (const c of LOSS_FIXTURES.cases) {
      it(c.name, async () => {
        const t = ctx.tolerances();
        const r = await compareLossCase(c, t);
        ctx.record(
          'loss values',
          expectClose(`${c.name}: [total, hard, soft]`, r.measured.parts, r.expectedParts, t.loss),
        );
        ctx.record(
          'loss gradients',
          expectClose(`${c.name}: d total / d student`, r.measured.gradient, r.expectedGradient, t.gradient),
        );
      });
    }
  });

  describe('schedules vs fixtures', () => {
    for (const c of SCHEDULE_FIXTURES.cases) {
      it(c.name, () => {
        ctx.record('schedules', expectClose(c.name, measureScheduleCase(c), c.values, ctx.tolerances().schedule));
      });
    }
  });

  describe('ensemble combinations vs float64 fixtures', () => {
    for (const c of ENSEMBLE_FIXTURES.cases) {
      it(c.name, async () => {
        const m = await measureEnsembleCase(c);
        expect(m.output).toBe(c.expected.output);
        ctx.record('ensembles', expectClose(c.name, m.values, c.expected.values.values, ctx.tolerances().ensemble));
      });
    }
  });
}
