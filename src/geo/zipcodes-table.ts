/**
 * The `zipcodes` package's postal-code table, loaded on first use: its data is a large
 * module, and most commands (and the server until it geocodes) never need it.
 */
import { createRequire } from 'node:module';
import type zipcodesModule from 'zipcodes';

type ZipcodesTable = typeof zipcodesModule;

let table: ZipcodesTable | undefined;

export function zipcodesTable(): ZipcodesTable {
  table ??= createRequire(import.meta.url)('zipcodes') as ZipcodesTable;
  return table;
}
