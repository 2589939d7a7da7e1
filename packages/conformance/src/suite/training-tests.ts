import { KdError } from '@kd/core';
import { afterAll, describe, expect, it } from 'vitest';
import { TRAJECTORY_FIXTURES } from '../fixtures/index.js';
import type { TrajectoryRecord } from '../fixtures/types.js';
import { recordTrajectory, TRAJECTORY_SPECS } from '../reference/trajectory-specs.js';
import type { SuiteContext } from './context.js';
import { expectClose } from './expect-close.js';
import { writeTrajectoryFixtures } from './regenerate.js';

/**
 * Training parity: the same seed, data and initial weights must give the committed cpu
 * reference's loss at every step, within the trajectory tolerance.
 */
export function trainingTests(ctx: SuiteContext): void {
  describe('training parity with the cpu reference (per-step losses)', () => {
    const recorded: Record<string, TrajectoryRecord> = {};

    for (const spec of TRAJECTORY_SPECS) {
      it(spec.name, async () => {
        const losses = await recordTrajectory(ctx.runtime(), spec);
        expect(losses).toHaveLength(spec.steps);
        expect(losses.every(Number.isFinite), `non-finite loss in ${JSON.stringify(losses)}`).toBe(true);
        expect(losses.at(-1)!, 'training should lower the loss').toBeLessThan(losses[0]!);
        if (ctx.regenerating()) {
          recorded[spec.name] = { spec: JSON.parse(JSON.stringify(spec)), losses };
          return;
        }
        const reference = TRAJECTORY_FIXTURES.trajectories[spec.name];
        expect(
          reference,
          `fixtures/trajectories.json has no "${spec.name}"; record it with REGENERATE=1 npx vitest run --project cpu`,
        ).toBeDefined();
        expect(
          reference!.spec,
          `the spec of "${spec.name}" changed since the reference was recorded; record it again with REGENERATE=1 npx vitest run --project cpu`,
        ).toEqual(JSON.parse(JSON.stringify(spec)));
        ctx.record(
          'training trajectories',
          expectClose(spec.name, losses, reference!.losses, ctx.tolerances().trajectory),
        );
      });
    }

    afterAll(async () => {
      if (Object.keys(recorded).length === 0) return;
      if (Object.keys(recorded).length !== TRAJECTORY_SPECS.length)
        throw new KdError(
          'KD_INVALID_ARGUMENT',
          'Not every trajectory was recorded, so fixtures/trajectories.json was left unchanged. ' +
            'Record them all at once: REGENERATE=1 npx vitest run --project cpu, without a test-name filter, ' +
            'with every run passing.',
          { recorded: Object.keys(recorded) },
        );
      const path = await writeTrajectoryFixtures(recorded);
      console.info(`[conformance] wrote ${path}`);
    });
  });
}
