/**
 * Sellers as a command runs them: the sellers file's definition with the seller's crews
 * config loaded and its secrets resolved (see seller-secrets.ts).
 */
import { loadPlanningConfig, type PlanningConfig } from '../config/index.ts';
import type { DataKeyRing } from '../privacy/data-key.ts';
import type { LwaCredentials } from '../spapi/credentials.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_SELLER_ID, isSellerId } from './seller-id.ts';
import { sellerCredentials, sellerDataKeys } from './seller-secrets.ts';
import {
  loadSellersFile,
  SellersConfigError,
  type SellerDefinition,
  type SellersConfig,
} from './sellers-config.ts';

export interface ResolvedSeller {
  id: string;
  name: string | undefined;
  marketplaceId: string;
  /** The seller's Services endpoint (its own, or the command's). */
  endpoint: string;
  configFile: string;
  config: PlanningConfig;
  /** Undefined: none configured (a local sandbox endpoint only). */
  lwa: LwaCredentials | undefined;
  /** Undefined: the deployment's data key. */
  dataKeys: DataKeyRing | undefined;
}

/** The sellers file a command uses: `--sellers`, else `FIELDPLAN_SELLERS_FILE`; none: single-seller. */
export function sellersFileFrom(
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const fromEnv = env['FIELDPLAN_SELLERS_FILE']?.trim();
  return option ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv);
}

export function loadSellers(file: string): SellersConfig {
  return loadSellersFile(file);
}

/** The seller's definition; an unknown id is an error listing the known ones. */
export function findSeller(sellers: SellersConfig, sellerId: string): SellerDefinition {
  const found = sellers.sellers.find((s) => s.id === sellerId);
  if (found !== undefined) return found;
  const known = sellers.sellers.map((s) => s.id);
  throw new SellersConfigError(sellers.file, [
    {
      path: 'sellers',
      message: `no seller ${sellerId}; the file has ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}`,
    },
  ]);
}

function isLocalEndpoint(endpoint: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

export async function resolveSeller(
  seller: SellerDefinition,
  sellers: SellersConfig,
  options: { defaultEndpoint: string; env?: NodeJS.ProcessEnv },
): Promise<ResolvedSeller> {
  const env = options.env ?? process.env;
  const endpoint = seller.endpoint ?? options.defaultEndpoint;
  const lwa = sellerCredentials(seller, sellers, env);
  if (lwa === undefined && !isLocalEndpoint(endpoint))
    throw new SellersConfigError(sellers.file, [
      {
        path: `sellers[${seller.id}].credentials`,
        message: `required for endpoint ${endpoint}: { env: PREFIX }, { file: path } or { secrets: key }`,
      },
    ]);
  return {
    id: seller.id,
    name: seller.name,
    marketplaceId: seller.marketplaceId,
    endpoint,
    configFile: seller.configFile,
    config: await loadPlanningConfig(seller.configFile),
    lwa,
    dataKeys: sellerDataKeys(seller, sellers, env),
  };
}

export async function resolveSellers(
  sellers: SellersConfig,
  options: { defaultEndpoint: string; env?: NodeJS.ProcessEnv },
): Promise<ResolvedSeller[]> {
  const out: ResolvedSeller[] = [];
  for (const s of sellers.sellers) out.push(await resolveSeller(s, sellers, options));
  return out;
}

/**
 * The seller a command acts for: `--seller`, else the only seller of the sellers file, else
 * (no sellers file) the implicit seller. A sellers file of several sellers needs `--seller`.
 */
export function chooseSellerId(option: string | undefined, sellers: SellersConfig | undefined): string {
  if (option !== undefined) {
    if (!isSellerId(option))
      throw new SellersConfigError(sellers?.file ?? '(none)', [
        {
          path: '--seller',
          message: `expected 1-63 lower-case letters, digits, "-" or "_", starting with a letter or digit; got ${JSON.stringify(option)}`,
        },
      ]);
    if (sellers !== undefined) findSeller(sellers, option);
    else if (option !== DEFAULT_SELLER_ID)
      throw new SellersConfigError('(none)', [
        {
          path: '',
          message: `--seller ${option} needs the sellers file that defines it: --sellers <file> or FIELDPLAN_SELLERS_FILE`,
        },
      ]);
    return option;
  }
  if (sellers === undefined) return DEFAULT_SELLER_ID;
  if (sellers.sellers.length === 1) return sellers.sellers[0]!.id;
  throw new SellersConfigError(sellers.file, [
    {
      path: 'sellers',
      message: `the file has ${sellers.sellers.length} sellers: name one with --seller (${sellers.sellers
        .slice(0, 10)
        .map((s) => s.id)
        .join(', ')}${sellers.sellers.length > 10 ? ', …' : ''})`,
    },
  ]);
}

/**
 * The store as one seller sees it, for a command: closing it closes the store it was opened
 * from. The implicit seller without a sellers file is the store itself.
 */
export async function openSellerView(
  root: Store,
  sellerId: string,
  sellers: SellersConfig | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Store> {
  if (sellers === undefined && sellerId === DEFAULT_SELLER_ID) return root;
  const definition = sellers === undefined ? undefined : findSeller(sellers, sellerId);
  const dataKeys =
    definition === undefined || sellers === undefined ? undefined : sellerDataKeys(definition, sellers, env);
  const view = await root.forSeller(sellerId, dataKeys === undefined ? {} : { dataKeys });
  return { ...view, close: () => root.close() };
}
