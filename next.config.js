// Next serves the portal (pages, tRPC, next-auth); the public API is served by api/ in front
// of it (see server.ts). Native and database packages stay outside the bundle.
/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Lets several servers (e2e, benchmarks, parallel development) build side by side. Read here,
  // not through server/config.ts: Next loads this file itself (plain JS, in its build and server
  // processes) before any of Signet's code runs. SIGNET_NEXT_DIST_DIR is the deprecated name.
  distDir: process.env.SP_NEXT_DIST_DIR || process.env.SIGNET_NEXT_DIST_DIR || '.next',
  // `npm test` type-checks the whole project (tsc); the start-up build skips repeating it.
  typescript: { ignoreBuildErrors: true },
  // Portal pages load on their first request rather than all at start-up: an instance busy
  // with the API keeps ~40 MB less resident (measured by npm run bench).
  // authInterrupts: forbidden() answers 403 with app/forbidden.tsx.
  experimental: { preloadEntriesOnStart: false, authInterrupts: true },
  serverExternalPackages: [
    '@electric-sql/pglite',
    'pglite-prisma-adapter',
    '@prisma/client',
    '@prisma/adapter-pg',
    'pg',
    '@node-rs/argon2',
    'stripe',
    '@opentelemetry/api',
  ],
  // Content-Security-Policy (with a per-request nonce) and HSTS are set by proxy.ts.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
        ],
      },
    ];
  },
};

export default nextConfig;
