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
  async rewrites() {
    return [
      { source: '/graphql', destination: `${gatewayUrl}/graphql` },
      { source: '/api/v1/forensics/:path*', destination: `${gatewayUrl}/api/v1/forensics/:path*` },
    ];
  },
};

export default nextConfig;
