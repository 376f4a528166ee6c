/** Reads the planning configuration from a YAML or JSON file and validates all of it. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { formatIssuePath } from '../../solver/issue-path.ts';
import { ConfigError } from './configError.ts';
import type { ConfigIssue } from './configError.ts';
import { PlanningConfigSchema } from './planningConfig.ts';
import { MAX_NESTING_DEPTH, NestingTooDeepError, parseJsonWithin } from '../input/nesting.ts';
import { yamlNestsDeeperThan } from '../input/yaml-nesting.ts';
import type { PlanningConfig } from './planningConfig.ts';

/** Loads and validates `path` (.yaml, .yml or .json). Throws one `ConfigError` listing every problem. */
export async function loadPlanningConfig(path: string): Promise<PlanningConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'read failed';
    throw new ConfigError('CONFIG_UNREADABLE', path, [
      { path: '', message: `${reason}: expected a readable YAML or JSON file` },
    ]);
  }
  return parsePlanningConfig(text, path);
}

/** Validates configuration text; `file` names it in errors and picks JSON for a `.json` name. */
export function parsePlanningConfig(text: string, file: string): PlanningConfig {
  const data = extname(file).toLowerCase() === '.json' ? parseJson(text, file) : parseYaml(text, file);
  return validatePlanningConfig(data, file);
}

/** Validates already-parsed configuration data. */
export function validatePlanningConfig(data: unknown, file: string): PlanningConfig {
  const result = PlanningConfigSchema.safeParse(data);
  if (result.success) return result.data;
  throw new ConfigError('CONFIG_INVALID', file, issuesOf(result.error));
}

function parseJson(text: string, file: string): unknown {
  try {
    return parseJsonWithin(text, MAX_NESTING_DEPTH);
  } catch (err) {
    throw new ConfigError('CONFIG_SYNTAX', file, [{ path: '', message: (err as Error).message }]);
  }
}

function parseYaml(text: string, file: string): unknown {
  // The YAML composer recurses per level (and runs out of memory formatting the error at 10 000).
  if (yamlNestsDeeperThan(text, MAX_NESTING_DEPTH)) {
    throw new ConfigError('CONFIG_SYNTAX', file, [
      { path: '', message: new NestingTooDeepError(MAX_NESTING_DEPTH).message },
    ]);
  }
  // YAML 1.2 core schema: "08:00" stays a string and dates stay strings.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      'CONFIG_SYNTAX',
      file,
      doc.errors.map((e) => ({ path: '', message: e.message.split('\n')[0] ?? e.message })),
    );
  }
  return doc.toJS() as unknown;
}

function issuesOf(error: z.ZodError): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          path: formatIssuePath([...issue.path, key]),
          message: 'unknown field; check its spelling',
        });
      }
    } else {
      out.push({ path: formatIssuePath(issue.path), message: issue.message });
    }
  }
  return out;
}
