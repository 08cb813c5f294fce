// A GraphQL client for integration tests that keeps its own session cookie, like one browser.
export type GqlResult = {
  data?: any;
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
};

export interface GraphqlBrowser {
  readonly cookie: string;
  gql(query: string, variables?: Record<string, unknown>): Promise<GqlResult>;
}

/** `baseUrl` is read at each call, so a browser can be made before the gateway has started. */
export function graphqlBrowser(baseUrl: () => string): GraphqlBrowser {
  let cookie = '';
  return {
    get cookie() {
      return cookie;
    },
    async gql(query, variables = {}) {
      const res = await fetch(`${baseUrl()}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const setCookie = res.headers.get('set-cookie');
      if (setCookie) cookie = setCookie.split(';')[0]!;
      return (await res.json()) as GqlResult;
    },
  };
}
