/** `lockstep estimate --format json`: the report model itself, versioned for scripts. */
import type { EstimateReport } from '../report';

export const ESTIMATE_JSON_VERSION = 1;

export function renderJson(report: EstimateReport): string {
  return `${JSON.stringify({ format: 'lockstep-estimate', version: ESTIMATE_JSON_VERSION, ...report }, null, 2)}\n`;
}
