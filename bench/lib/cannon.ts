/**
 * Signed Stripe webhook deliveries through autocannon: each request takes the next body in order and is signed
 * as it is sent (Stripe signs every delivery when it makes it), at a fixed overall rate or as fast as the
 * connections go. Answers the figures autocannon measured (latencies corrected for coordinated omission when a
 * rate is set).
 */
import autocannon from "autocannon";
import { signed } from "../../tests/helpers/stripe-objects";

export interface CannonOptions {
  /** Where to post, e.g. `http://127.0.0.1:3000/webhooks/stripe`. */
  url: string;
  /** The event bodies, in delivery order; each sent once. */
  bodies: readonly string[];
  secret: string;
  connections: number;
  /** Requests per second over all connections; none: as fast as they go. */
  rate?: number;
}

export interface CannonFigures {
  sent: number;
  ok: number;
  /** Non-2xx answers, connection errors and timeouts. */
  errors: number;
  seconds: number;
  /** 2xx answers per second. */
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

export async function cannon(options: CannonOptions): Promise<CannonFigures> {
  let next = 0;
  const result = await autocannon({
    url: options.url,
    method: "POST",
    connections: options.connections,
    amount: options.bodies.length,
    ...(options.rate && { overallRate: options.rate }),
    timeout: 30,
    requests: [
      {
        // Past the last body (autocannon may ask for one more per connection), the first is sent again: a
        // duplicate, which both handlers answer 200.
        setupRequest: (request: Record<string, any>) => {
          const { body, headers } = signed(options.bodies[next++ % options.bodies.length]!, { secret: options.secret });
          return { ...request, body, headers: { ...request.headers, ...headers } };
        },
      },
    ],
  });
  const ok = result["2xx"] as number;
  return {
    sent: result.requests.total,
    ok,
    errors: result.non2xx + result.errors + result.timeouts,
    seconds: result.duration,
    perSecond: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
  };
}
