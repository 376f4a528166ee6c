/**
 * Migrations live in code (not read from a folder at run time) so they ship with the
 * package and run the same under tsx, bundlers and tests. Append new ones; never edit one
 * that has been released.
 */
import type { Migration, MigrationProvider } from 'kysely';
import type { SqlDialect } from '../database.ts';
import { initialSchema } from './0001-initial-schema.ts';
import { apiTokens } from './0002-api-tokens.ts';
import { sellers } from './0003-sellers.ts';
import { jobPreferences } from './0004-job-preferences.ts';

export class StoreMigrations implements MigrationProvider {
  constructor(private readonly dialect: SqlDialect) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001-initial-schema': initialSchema(this.dialect),
      '0002-api-tokens': apiTokens(this.dialect),
      '0003-sellers': sellers(this.dialect),
      '0004-job-preferences': jobPreferences(this.dialect),
    };
  }
}
