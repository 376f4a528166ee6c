export * from './personal-data-error.ts';
export * from './data-key.ts';
export * from './field-cipher.ts';
export * from './personal-data-fields.ts';
export * from './redact.ts';
