// Next.js settings for the admin. API paths (/graphql, /api, /healthz) are forwarded to the server by
// src/proxy.ts at request time, so the session cookie stays first-party and no CORS is needed.
import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ['@faceledger/schema'],
};

export default config;
