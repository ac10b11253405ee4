import type { Context } from "hono";

/**
 * The caller's IP address as the platform saw it: API Gateway / function URL request context on Lambda, the
 * socket locally. Never a header a client can set.
 */
export function clientIp(c: Context): string {
  const env = c.env as
    | {
        requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } };
        incoming?: { socket?: { remoteAddress?: string } };
      }
    | undefined;
  return (
    env?.requestContext?.http?.sourceIp ??
    env?.requestContext?.identity?.sourceIp ??
    env?.incoming?.socket?.remoteAddress ??
    "unknown"
  );
}
