/**
 * The planning configuration as a JSON Schema (draft 2020-12), generated from the zod schema,
 * for editors: with `# yaml-language-server: $schema=…` a YAML file gets completion and
 * checking as it is typed. Cross-checks (ids, time zones, shift order, polygon validity)
 * are beyond JSON Schema; `loadPlanningConfig` remains the authority.
 */
import { z } from 'zod';
import { PlanningConfigSchema } from './planningConfig.ts';

export function planningConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PlanningConfigSchema, { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    title: 'fieldplan planning configuration',
    description: 'Technicians, crews, stores, service-duration rules and planning settings.',
  };
}
