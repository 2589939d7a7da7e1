import { scheduleFromJSON, scheduleValues } from '@kd/core';
import type { ScheduleFixtureCase } from '../fixtures/types.js';

/** The values a schedule restored from the fixture's JSON gives at every step of its run. */
export function measureScheduleCase(c: ScheduleFixtureCase): number[] {
  return scheduleValues(scheduleFromJSON(c.schedule), c.run);
}
