// The admin is served by Next.js and talks to the API through same-origin rewrites, so the session
// cookie stays first-party and no CORS is needed.
import type { NextConfig } from 'next';

const apiUrl = process.env.FACELEDGER_API_URL ?? 'http://127.0.0.1:4000';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ['@faceledger/schema'],
  async rewrites() {
    return [
      { source: '/graphql', destination: `${apiUrl}/graphql` },
      { source: '/api/:path*', destination: `${apiUrl}/api/:path*` },
      { source: '/healthz', destination: `${apiUrl}/healthz` },
    ];
  },
};

export default config;
