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
  /** Answered 503 (the event in flight in another delivery), and of those, answered 200 when delivered again later. */
  inFlight: number;
  redelivered: number;
  /** Other non-2xx answers, connection errors and timeouts. */
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
  const inFlight: string[] = [];
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
        setupRequest: (request: Record<string, any>, context: Record<string, any>) => {
          context.raw = options.bodies[next++ % options.bodies.length]!;
          const { body, headers } = signed(context.raw, { secret: options.secret });
          return { ...request, body, headers: { ...request.headers, ...headers } };
        },
        // A 503 is an event still in flight in another delivery (a duplicate sent at once): Stripe delivers it again.
        onResponse: (status: number, _body: string, context: Record<string, any>) => {
          if (status === 503) inFlight.push(context.raw);
        },
      },
    ],
  });
  const redelivered = await redeliver(options, inFlight);
  const ok = result["2xx"] as number;
  return {
    sent: result.requests.total,
    ok,
    inFlight: inFlight.length,
    redelivered,
    errors: result.non2xx - inFlight.length + result.errors + result.timeouts,
    seconds: result.duration,
    perSecond: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
  };
}

/** Delivers the 503s again after the load, a second apart, as Stripe's retries do: answers how many got a 200. */
async function redeliver(options: CannonOptions, bodies: readonly string[]): Promise<number> {
  let pending = [...bodies];
  let delivered = 0;
  for (let round = 0; round < 5 && pending.length > 0; round++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const again: string[] = [];
    for (const raw of pending) {
      const { body, headers } = signed(raw, { secret: options.secret });
      const response = await fetch(options.url, { method: "POST", body, headers });
      await response.arrayBuffer();
      if (response.ok) delivered++;
      else again.push(raw);
    }
    pending = again;
  }
  return delivered;
}
