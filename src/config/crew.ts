/** A named two-person crew for jobs that need two technicians on site. */
import { z } from 'zod';

export const CrewSchema = z.strictObject({
  /** Crew id, used as the route id in plans; must not clash with a technician's resource id. */
  id: z.string({ error: 'expected a crew id' }).min(1),
  name: z.string().min(1).optional(),
  /** Resource ids of the two technicians in the crew. */
  members: z
    .array(z.string().min(1), { error: "expected the two members' resource ids" })
    .length(2, { error: 'expected exactly two members (resource ids)' })
    .refine((m) => m[0] !== m[1], { error: 'expected two different technicians' }),
});
