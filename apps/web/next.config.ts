import type { NextConfig } from 'next';

/** The GraphQL gateway; proxied same-origin so its httpOnly session cookie stays first-party. */
const gatewayUrl = (process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');

const nextConfig: NextConfig = {
  // The gateway URL and WebSocket port are fixed at build time, so a second copy of the
  // platform on other ports (the end-to-end tests) builds into its own directory.
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  reactStrictMode: true,
  typedRoutes: false,
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: false },
  // Security headers on every response the console serves itself (proxy.ts adds each page's
  // Content-Security-Policy). The gateway's answers through the rewrites below keep the gateway's
  // headers: Next passes an external rewrite's response on as it is.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
        ],
      },
    ];
  },
  async rewrites() {
    return [
      { source: '/graphql', destination: `${gatewayUrl}/graphql` },
      { source: '/api/v1/forensics/:path*', destination: `${gatewayUrl}/api/v1/forensics/:path*` },
    ];
  },
};

export default nextConfig;
