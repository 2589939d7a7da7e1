// What every result file records about the machine it was measured on: these machines are shared,
// so each benchmark takes the load average (1, 5 and 15 minutes, as `uptime` prints it) at the
// start and at the end of its measurements, and a ratio is read against the load it ran under.
import { cpus, loadavg } from 'node:os';

export function machine() {
  return { cpus: cpus().length, node: process.version, loadAverage: loadavg().map((l) => Math.round(l * 100) / 100) };
}

/** "2.1, 3.4, 3.0" for a printed line. */
export const loadLine = (l) => l.map((v) => v.toFixed(1)).join(', ');
