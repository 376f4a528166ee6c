/**
 * `fieldplan token create --scope viewer|planner|admin [--name …]` prints a new API token
 * once (only its hash is stored); `fieldplan token revoke <id>`; `fieldplan token list`.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { TOKEN_SCOPES, isTokenScope, type TokenScope } from '../store/index.ts';
import { openStoreForCommand, withStoreOptions, type StoreCommandOptions } from './store-options.ts';

function scopeArg(v: string): TokenScope {
  if (!isTokenScope(v)) throw new InvalidArgumentError(`expected one of ${TOKEN_SCOPES.join(', ')}.`);
  return v;
}

export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('Create, revoke and list bearer tokens of the HTTP API');

  const create = withStoreOptions(
    token
      .command('create')
      .description('Create a token and print it once (only its hash is kept)')
      .addOption(
        new Option('--scope <scope>', 'viewer (read) < planner (plan, optimize, apply) < admin')
          .argParser(scopeArg)
          .makeOptionMandatory(),
      )
      .option('--name <name>', 'what the token is for (shown in token list)'),
  ).action(async (options: StoreCommandOptions & { scope: TokenScope; name?: string }) => {
    const store = await openStoreForCommand(create, options);
    try {
      const made = await store.tokens.create({
        scope: options.scope,
        ...(options.name !== undefined ? { name: options.name } : {}),
      });
      await store.audit.record({
        actor: 'cli',
        action: 'api_token.created',
        subjectType: 'api_token',
        subjectId: made.tokenId,
        details: { scope: made.scope },
      });
      console.error(`token ${made.tokenId} (${made.scope}) created; it is shown only this once:`);
      console.log(made.token);
    } finally {
      await store.close();
    }
  });

  const revoke = withStoreOptions(
    token.command('revoke').description('Revoke a token by its id').argument('<id>', 'token id'),
    'existing',
  ).action(async (id: string, options: StoreCommandOptions) => {
    const store = await openStoreForCommand(revoke, options, {}, 'existing');
    try {
      if (!(await store.tokens.revoke(id))) {
        revoke.error(`fieldplan token revoke: no active token ${id} (see fieldplan token list)`);
      }
      await store.audit.record({
        actor: 'cli',
        action: 'api_token.revoked',
        subjectType: 'api_token',
        subjectId: id,
      });
      console.log(`token ${id} revoked`);
    } finally {
      await store.close();
    }
  });

  const list = withStoreOptions(
    token.command('list').description('List tokens (ids, names, scopes)'),
    'existing',
  ).action(async (options: StoreCommandOptions) => {
    const store = await openStoreForCommand(list, options, {}, 'existing');
    try {
      for (const t of await store.tokens.list()) {
        console.log(
          `${t.tokenId}  ${t.scope.padEnd(7)}  ${t.revokedAt === null ? 'active ' : 'revoked'}  ${t.createdAt}  ${t.name ?? ''}`,
        );
      }
    } finally {
      await store.close();
    }
  });
}
