// Forwards the API paths to the FaceLedger server at request time, so FACELEDGER_API_URL can
// change without rebuilding the admin (rewrites in next.config would be fixed at build time).
import { NextResponse, type NextRequest } from 'next/server';

const API_URL = process.env.FACELEDGER_API_URL ?? 'http://127.0.0.1:4000';

export function proxy(request: NextRequest) {
  const target = new URL(request.nextUrl.pathname + request.nextUrl.search, API_URL);
  return NextResponse.rewrite(target);
}

export const config = {
  matcher: ['/graphql', '/api/:path*', '/healthz'],
};
