/**
 * `fieldplan token create --scope viewer|planner|admin [--name …] [--seller <id> | --all-sellers]`
 * prints a new API token once (only its hash is stored); `fieldplan token revoke <id>`;
 * `fieldplan token list`. A token belongs to one seller (the implicit one without a sellers
 * file); `--all-sellers` makes an admin token across every seller.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { TOKEN_SCOPES, isTokenScope, type TokenScope } from '../store/index.ts';
import { openStoreForCommand, withStoreOptions, type StoreCommandOptions } from './store-options.ts';
import { StoreError, type Store } from '../store/index.ts';
import { DEFAULT_SELLER_ID, SellersConfigError } from '../tenants/index.ts';
import { chooseSellerId, loadSellers, openSellerView, sellersFileFrom } from '../tenants/sellers.ts';

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
      .option('--name <name>', 'what the token is for (shown in token list)')
      .option('--seller <id>', 'the seller the token belongs to (default: the only seller)')
      .option('--all-sellers', 'an admin token across every seller (names the seller per request)')
      .option('--sellers <file>', 'the sellers file (default: FIELDPLAN_SELLERS_FILE)'),
  ).action(
    async (
      options: StoreCommandOptions & {
        scope: TokenScope;
        name?: string;
        seller?: string;
        allSellers?: boolean;
        sellers?: string;
      },
    ) => {
      if (options.allSellers === true && options.seller !== undefined)
        create.error('fieldplan token create: give --seller or --all-sellers, not both');
      if (options.allSellers === true && options.scope !== 'admin')
        create.error('fieldplan token create: a token across every seller must have --scope admin');
      let store: Store;
      try {
        const file = sellersFileFrom(options.sellers);
        const sellers = file === undefined ? undefined : loadSellers(file);
        const sellerId =
          options.allSellers === true ? DEFAULT_SELLER_ID : chooseSellerId(options.seller, sellers);
        store = await openSellerView(await openStoreForCommand(create, options), sellerId, sellers);
      } catch (error) {
        if (error instanceof SellersConfigError || error instanceof StoreError)
          create.error(`fieldplan token create: ${error.message}`);
        throw error;
      }
      try {
        const made = await store.tokens.create({
          scope: options.scope,
          ...(options.name !== undefined ? { name: options.name } : {}),
          ...(options.allSellers === true ? { allSellers: true } : {}),
        });
        await store.audit.record({
          actor: 'cli',
          action: 'api_token.created',
          subjectType: 'api_token',
          subjectId: made.tokenId,
          details: { scope: made.scope, seller: made.sellerId ?? '*' },
        });
        console.error(
          `token ${made.tokenId} (${made.scope}, ${made.sellerId === null ? 'every seller' : `seller ${made.sellerId}`}) created; it is shown only this once:`,
        );
        console.log(made.token);
      } finally {
        await store.close();
      }
    },
  );

  const revoke = withStoreOptions(
    token.command('revoke').description('Revoke a token by its id').argument('<id>', 'token id'),
    'existing',
  ).action(async (id: string, options: StoreCommandOptions) => {
    const store = await openStoreForCommand(revoke, options, {}, 'existing');
    try {
      if (!(await store.tokens.revoke(id, { anySeller: true }))) {
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
      for (const t of await store.tokens.list({ allSellers: true })) {
        console.log(
          `${t.tokenId}  ${t.scope.padEnd(7)}  ${t.revokedAt === null ? 'active ' : 'revoked'}  ${(t.sellerId ?? '*').padEnd(12)}  ${t.createdAt}  ${t.name ?? ''}`,
        );
      }
    } finally {
      await store.close();
    }
  });
}
