import { ServiceJobSchema } from './generated/services.ts';

/** The model's serviceJobStatus enum, taken from the generated wire schema. */
export const SERVICE_JOB_STATUSES = ServiceJobSchema.shape.serviceJobStatus.unwrap().options;
export type ServiceJobStatus = (typeof SERVICE_JOB_STATUSES)[number];
