/**
 * Page iterators. getServiceJobs pages by `pageToken` (fed from `nextPageToken`); the two
 * capacity POSTs take `nextPageToken` as a query parameter and need the same body again.
 * A token seen before ends the walk: Amazon's sandbox hands out one token as both next
 * and previous, and a loop would never end.
 */
export async function* iterateServiceJobPages<
  P extends object,
  R extends { payload?: { nextPageToken?: string | undefined } | undefined },
>(
  fetchPage: (params: P & { pageToken?: string }) => Promise<R>,
  params: P,
): AsyncGenerator<NonNullable<R['payload']>, void, undefined> {
  const seen = new Set<string>();
  let pageToken: string | undefined;
  for (;;) {
    const response = await fetchPage(pageToken === undefined ? params : { ...params, pageToken });
    const page = response.payload;
    if (!page) return;
    yield page as NonNullable<R['payload']>;
    const next = page.nextPageToken;
    if (!next || seen.has(next)) return;
    seen.add(next);
    pageToken = next;
  }
}

export async function* iterateCapacityPages<
  P extends object,
  R extends { nextPageToken?: string | undefined },
>(
  fetchPage: (params: P & { nextPageToken?: string }) => Promise<R>,
  params: P,
): AsyncGenerator<R, void, undefined> {
  const seen = new Set<string>();
  let nextPageToken: string | undefined;
  for (;;) {
    const page = await fetchPage(nextPageToken === undefined ? params : { ...params, nextPageToken });
    yield page;
    const next = page.nextPageToken;
    if (!next || seen.has(next)) return;
    seen.add(next);
    nextPageToken = next;
  }
}
