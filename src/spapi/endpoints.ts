/** Selling Partner API regions, their hosts and marketplaces (DIGEST §1). */
export type Region = 'na' | 'eu' | 'fe';

const regionHosts: Readonly<Record<Region, { production: string; sandbox: string }>> = {
  na: {
    production: 'https://sellingpartnerapi-na.amazon.com',
    sandbox: 'https://sandbox.sellingpartnerapi-na.amazon.com',
  },
  eu: {
    production: 'https://sellingpartnerapi-eu.amazon.com',
    sandbox: 'https://sandbox.sellingpartnerapi-eu.amazon.com',
  },
  fe: {
    production: 'https://sellingpartnerapi-fe.amazon.com',
    sandbox: 'https://sandbox.sellingpartnerapi-fe.amazon.com',
  },
};

/** Login with Amazon token endpoint, the same for every region. */
export const lwaTokenUrl = 'https://api.amazon.com/auth/o2/token';

const marketplaces = {
  na: { US: 'ATVPDKIKX0DER', CA: 'A2EUQ1WTGCTBG2', MX: 'A1AM78C64UM0Y8', BR: 'A2Q3Y263D00KWC' },
  eu: {
    UK: 'A1F83G8C2ARO7P',
    DE: 'A1PA6795UKMFR9',
    FR: 'A13V1IB3VIYZZH',
    IT: 'APJ6JRA9NG5V4',
    ES: 'A1RKKUPIHCS9HS',
    NL: 'A1805IZSGTT6HS',
    SE: 'A2NODRKZP88ZB9',
    PL: 'A1C3SOZRARQ6R3',
    EG: 'ARBP9OOSHTCHU',
    TR: 'A33AVAJ2PDY3EV',
    SA: 'A17E79C6D8DWNP',
    AE: 'A2VIGQ35RCS4UG',
    IN: 'A21TJRUUN4KGV',
  },
  fe: { JP: 'A1VC38T7YXB528', AU: 'A39IBJ37TRP1C6', SG: 'A19VAU5U5O7RUS' },
} as const satisfies Record<Region, Record<string, string>>;

/** The region that serves a marketplace id, or undefined for an unknown id. */
export function regionOfMarketplace(marketplaceId: string): Region | undefined {
  for (const region of Object.keys(marketplaces) as Region[]) {
    if (Object.values(marketplaces[region]).includes(marketplaceId as never)) return region;
  }
  return undefined;
}

/** Marketplace id for a country code (e.g. `US`), or undefined. */
export function marketplaceId(country: string): string | undefined {
  for (const region of Object.keys(marketplaces) as Region[]) {
    const ids = marketplaces[region] as Record<string, string>;
    const id = ids[country.toUpperCase()];
    if (id) return id;
  }
  return undefined;
}

/**
 * Where requests go: an Amazon region (production or Amazon's sandbox), or any base URL
 * such as the local sandbox. A base URL wins over a region.
 */
export interface EndpointOptions {
  region?: Region;
  sandbox?: boolean;
  baseUrl?: string;
}

export interface ResolvedEndpoint {
  /** Origin (and optional path prefix) without a trailing slash. */
  baseUrl: string;
  /** Whether this is one of Amazon's sandbox hosts. */
  amazonSandbox: boolean;
  region: Region | undefined;
}

export function resolveEndpoint(options: EndpointOptions): ResolvedEndpoint {
  if (options.baseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new Error(`baseUrl must be an absolute http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`baseUrl must use http or https, got ${url.protocol}`);
    }
    const baseUrl = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
    const known = (Object.keys(regionHosts) as Region[]).find(
      (r) => regionHosts[r].sandbox === url.origin || regionHosts[r].production === url.origin,
    );
    return {
      baseUrl,
      amazonSandbox: known !== undefined && regionHosts[known].sandbox === url.origin,
      region: known ?? options.region,
    };
  }
  const region = options.region ?? 'na';
  const hosts = regionHosts[region];
  if (!hosts) throw new Error(`region must be one of na, eu, fe; got ${JSON.stringify(region)}`);
  return {
    baseUrl: options.sandbox ? hosts.sandbox : hosts.production,
    amazonSandbox: options.sandbox === true,
    region,
  };
}
