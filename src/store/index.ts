export * from './store.ts';
export * from './store-error.ts';
export * from './store-location.ts';
export * from './service-job-record.ts';
export type * from './plans.ts';
export type * from './write-back-journal.ts';
export { TOKEN_SCOPES, isTokenScope } from './api-tokens.ts';
export type { TokenScope } from './api-tokens.ts';
export type { JobPreferenceSet, StoredJobPreferences } from './job-preferences.ts';
