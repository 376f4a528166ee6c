/**
 * Sellers (tenants). One deployment may serve several sellers; every stored row, plan,
 * journal entry, API token and metric carries the seller it belongs to. Without a sellers
 * file there is exactly one seller, {@link DEFAULT_SELLER_ID}: the engine behaves as it
 * always has, and databases created before sellers existed hold that seller's data.
 */

export { DEFAULT_SELLER_ID, isSellerId } from './seller-id.ts';
export { parseSellersConfig, SellersConfigError } from './sellers-config.ts';
