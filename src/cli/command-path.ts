import type { Command } from 'commander';

/** The names from the root to `command` (`token create`), empty for the root itself. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
