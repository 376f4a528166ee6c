/** Zod schemas shared by several routes. */
import { z } from 'zod';

export const StoreIdSchema = z
  .string()
  .min(1, { error: 'expected a store id' })
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, { error: 'expected a store id (letters, digits, . _ : -)' });

export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date YYYY-MM-DD' })
  .refine(
    (v) =>
      !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    {
      error: 'expected a real calendar date YYYY-MM-DD',
    },
  );
