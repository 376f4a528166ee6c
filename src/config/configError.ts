/** A configuration file that cannot be used, with every problem found in it. */

export type ConfigErrorCode = 'CONFIG_UNREADABLE' | 'CONFIG_SYNTAX' | 'CONFIG_INVALID';

export interface ConfigIssue {
  /** Path to the field, e.g. `technicians[3].shifts.monday.start` (empty for the whole file). */
  path: string;
  /** What is wrong and what is expected. */
  message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(code: ConfigErrorCode, file: string, issues: readonly ConfigIssue[]) {
    super(formatConfigError(code, file, issues));
    this.code = code;
    this.file = file;
    this.issues = issues;
  }
}

function formatConfigError(code: ConfigErrorCode, file: string, issues: readonly ConfigIssue[]): string {
  const what =
    code === 'CONFIG_UNREADABLE'
      ? 'cannot read planning config'
      : code === 'CONFIG_SYNTAX'
        ? 'planning config is not valid YAML/JSON'
        : 'invalid planning config';
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const lines = issues.map((i) => `  - ${i.path === '' ? '(file)' : i.path}: ${i.message}`);
  return [`${what} ${file} (${count}):`, ...lines].join('\n');
}
