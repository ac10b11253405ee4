/**
 * What the fuzz sends: fast-check arbitraries of hostile requests for one operation of the OpenAPI document —
 * wrong types, missing and extra fields, huge and deeply nested bodies, invalid UTF-8, CR/LF and NUL in every
 * string, look-alike and overlong addresses, wrong content types, any method, bad path parameters and queries —
 * mixed with valid credentials and plausible values often enough that requests get past the first check.
 */
import fc from "fast-check";
import Stripe from "stripe";
import { METHODS, type JsonSchema, type Operation } from "./surface";

/** Valid values and credentials the fuzz mixes in (made by the test's setup). */
export interface World {
  editorToken: string;
  /** `tidings_session=…` of a signed-in, comped patron. */
  sessionCookie: string;
  ownOrigin: string;
  /** Link tokens of every purpose, for the seeded subscriber. */
  tokens: string[];
  topicId: string;
  articleId: string;
  digestId: string;
  tierId: string;
  /** Addresses of stored subscribers. */
  knownEmails: string[];
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** What the case was, for the failure message. */
  label: string;
}

const NASTY = [
  "",
  " ",
  "\r\n",
  "a\r\nBcc: victim@evil.example",
  "Subject: x\r\n\r\nbody",
  "line\nbreak",
  "cr\ronly",
  "nul\u0000byte",
  "\u2028\u2029",
  "\ud800lone surrogate",
  "\u202eright-to-left",
  "%00",
  "%0d%0aSet-Cookie: x=1",
  "../../../etc/passwd",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "' OR '1'='1",
  "{{7*7}}${7*7}<%= 7*7 %>",
  "__proto__",
  "constructor",
  "null",
  "[object Object]",
  "ｅｄｉｔｏｒ",
  "🏳️‍🌈👩‍👩‍👧‍👦",
  "a".repeat(5_000),
  "=cmd|' /C calc'!A0",
];

/** Look-alike, IDN, injected, malformed and overlong addresses: never a deliverable address as typed. */
export const badAddress: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "раураl@example.com", // Cyrillic look-alikes
    "pаypal@example.com",
    "user@exämple.com", // IDN, not punycode
    "user@例え.jp",
    "user@exa\u200bmple.com", // zero-width space
    "user@example.com\r\nBcc: victim@evil.example",
    "user@example.com\nBcc: victim@evil.example",
    "user\r\n@example.com",
    "user@example.com\u0000",
    '"quoted spaces"@example.com',
    "user@localhost",
    "@example.com",
    "user@",
    "a..b@example.com",
    "user@-example.com",
    "user@example..com",
    "user name@example.com",
    "user@example.com, other@example.com",
    "<user@example.com>",
    "Victim <victim@example.com>",
  ),
  fc.integer({ min: 65, max: 240 }).map((n) => `${"l".repeat(n)}@example.com`), // local part over 64
  fc.integer({ min: 64, max: 200 }).map((n) => `user@${"d".repeat(n)}.example.com`), // a label over 63
  fc.integer({ min: 5, max: 12 }).map((n) => `user@${`${"d".repeat(50)}.`.repeat(n)}com`), // over 254 in all
);

const text: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY), weight: 4 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 2 },
  {
    arbitrary: fc
      .tuple(fc.string({ maxLength: 10 }), fc.constantFrom("\r", "\n", "\r\n", "\u0000"))
      .map(([s, c]) => `${s}${c}${s}`),
    weight: 2,
  },
);

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constant([]),
  fc.constant({}),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A value for a field, by its name and schema: usually plausible, often hostile, sometimes the wrong type. */
function fieldValue(name: string, schema: JsonSchema | undefined, world: World): fc.Arbitrary<unknown> {
  const plausible: fc.Arbitrary<unknown>[] = [];
  const lower = name.toLowerCase();
  if (lower === "email" || lower === "to") {
    const address = fc.oneof(
      fc.constantFrom(...world.knownEmails),
      badAddress,
      fc.nat(999).map((n) => `fuzz-${n}@example.com`),
    );
    plausible.push(lower === "to" ? fc.array(address, { minLength: 0, maxLength: 12 }) : address);
  }
  if (lower === "token") plausible.push(fc.constantFrom(...world.tokens));
  if (lower === "tier") plausible.push(fc.constantFrom(world.tierId, "coffee", "yearly", "free"));
  if (lower === "topics" || lower === "articleids")
    plausible.push(fc.array(fc.constantFrom(world.topicId, world.articleId, "nope"), { maxLength: 3 }));
  if (lower.endsWith("at") || lower === "until" || lower === "since") {
    plausible.push(
      fc.constantFrom(new Date().toISOString(), "2027-06-30", "2026-02-30", "0000-00-00", "9999-12-31T23:59:59Z"),
    );
  }
  if (lower === "url" || lower === "imageurl")
    plausible.push(
      fc.constantFrom("https://news.example.org/a", "javascript:alert(1)", "http://[::1", "data:text/html,x"),
    );
  if (schema?.enum) plausible.push(fc.constantFrom(...schema.enum));
  if (schema?.type === "array" || (Array.isArray(schema?.type) && schema.type.includes("array"))) {
    plausible.push(fc.array(text, { maxLength: 60 }));
  }
  plausible.push(text);
  return fc.oneof(
    { arbitrary: fc.oneof(...plausible), weight: 6 },
    { arbitrary: wrongType, weight: 2 },
    { arbitrary: fc.string({ minLength: 0, maxLength: 3 }).map((s) => s + "x".repeat(70_000)), weight: 1 },
  );
}

/** An object shaped like the schema, with fields missing, mistyped, hostile, and extra. */
function shapedBody(schema: JsonSchema | undefined, world: World): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema?.properties ?? {});
  const record = fc.record(Object.fromEntries(properties.map(([name, s]) => [name, fieldValue(name, s, world)])), {
    requiredKeys: [],
  });
  const extra = fc.dictionary(
    fc.oneof(
      fc.constantFrom("__proto__", "constructor", "status", "id", "admin", "version"),
      fc.string({ maxLength: 8 }),
    ),
    wrongType,
    {
      maxKeys: 3,
    },
  );
  return fc
    .tuple(record, extra, fc.boolean())
    .map(([fields, more, addExtra]) => (addExtra ? { ...more, ...fields } : fields));
}

/** Nesting far deeper than any schema: `[[[[…]]]]` or `{"a":{"a":…}}`. */
const deep = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth),
  );

/** Bytes that are not UTF-8: lone continuation bytes, overlong encodings, surrogates, 0xFF, truncated sequences. */
const invalidUtf8 = fc
  .tuple(
    fc.constantFrom('{"email":"', '{"token":"', "email=", "token=", ""),
    fc.array(
      fc.constantFrom(
        [0x80],
        [0xc0, 0xaf],
        [0xe0, 0x80, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xff],
        [0xfe, 0xff],
        [0xf4, 0x90, 0x80, 0x80],
        [0xc3],
      ),
      {
        minLength: 1,
        maxLength: 6,
      },
    ),
    fc.constantFrom('"}', "", "@example.com"),
  )
  .map(([head, bytes, tail]) => new Uint8Array([...Buffer.from(head), ...bytes.flat(), ...Buffer.from(tail)]));

const CONTENT_TYPES = [
  "application/json",
  "application/x-www-form-urlencoded",
  "text/plain",
  "text/csv",
  "application/xml",
  "multipart/form-data; boundary=xyz",
  "multipart/form-data",
  "application/json; charset=utf-16",
  "",
  "*/*",
];

/** Percent-encodes any string, lone surrogates included (as the bytes a client would send for them). */
export function percentEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, "utf8")].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");
  }
}

function encodeForm(value: unknown): string {
  const form = new URLSearchParams();
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, field] of Object.entries(value)) {
      for (const one of Array.isArray(field) ? field : [field])
        form.append(key, typeof one === "string" ? one : (JSON.stringify(one) ?? ""));
    }
  } else form.append("value", JSON.stringify(value) ?? "");
  return form.toString();
}

/** A path parameter: a valid id, or something that is not. */
function pathParam(world: World): fc.Arbitrary<string> {
  return fc.oneof(
    {
      arbitrary: fc.constantFrom(world.topicId, world.articleId, world.digestId, "daily-2026-01-01", "weekly-2026-W01"),
      weight: 3,
    },
    { arbitrary: text.map(percentEncode), weight: 3 },
    {
      arbitrary: fc.constantFrom("%", "%zz", "%c0%af", "..%2f..%2f", "%2e%2e", "a%00b", "%ff%fe", "x".repeat(3000)),
      weight: 2,
    },
  );
}

function query(op: Operation, world: World): fc.Arbitrary<string> {
  const named = op.params.filter((p) => p.in === "query").map((p) => p.name);
  const key = fc.oneof(
    fc.constantFrom(...named, "token", "email", "status", "cursor", "limit", "__proto__"),
    fc.string({ maxLength: 6 }),
  );
  const value = fc.oneof(
    fc.constantFrom(...world.tokens, ...world.knownEmails, "-1", "1e309", "NaN", "free", "html"),
    text,
    badAddress,
  );
  const pair = fc
    .tuple(key, value, fc.boolean())
    .map(([k, v, raw]) => (raw ? `${k}=${v.replace(/[#\s]/g, "")}` : `${percentEncode(k)}=${percentEncode(v)}`));
  return fc.array(pair, { maxLength: 5 }).map((pairs) => (pairs.length ? `?${pairs.join("&")}` : ""));
}

function headers(world: World): fc.Arbitrary<Record<string, string>> {
  return fc.record(
    {
      authorization: fc.constantFrom(
        `Bearer ${world.editorToken}`,
        `Bearer ${world.editorToken}`,
        "Bearer wrong-token-0123456789",
        "Basic Zm9vOmJhcg==",
        "Bearer",
        `bearer  ${world.editorToken}x`,
      ),
      cookie: fc.constantFrom(
        world.sessionCookie,
        world.sessionCookie,
        "tidings_session=forged.value.0.AAAA",
        "tidings_session=",
        "a=b; tidings_session=%ff",
      ),
      origin: fc.constantFrom(world.ownOrigin, world.ownOrigin, "https://evil.example", "null"),
      accept: fc.constantFrom("text/html,*/*;q=0.8", "application/json", "*/*", "text/html"),
    },
    { requiredKeys: [] },
  );
}

/**
 * A `Stripe-Signature` for a body that must be refused: none, malformed, or well formed but by a secret we don't
 * hold, too old, or from the future (a correctly signed body would be Stripe's own word, not an attack).
 */
function stripeSignature(body: string | Uint8Array | undefined): fc.Arbitrary<string | undefined> {
  const payload = typeof body === "string" ? body : Buffer.from(body ?? []).toString("utf8");
  const now = Math.floor(Date.now() / 1000);
  const signed = (secret: string, timestamp: number) =>
    Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
  return fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(
      "",
      "garbage",
      "t=,v1=",
      `t=${now}`,
      `t=${now},v1=${"0".repeat(64)}`,
      `t=99999999999999999999,v1=aa`,
      "v1=abc,t=abc",
    ),
    fc
      .constantFrom("whsec_not_ours_0123456789", "whsec_test_previous_0123456789x")
      .map((secret) => signed(secret, now)),
    fc
      .constantFrom(now - 301, now - 86_400, now + 3_600)
      .map((timestamp) => signed("whsec_test_current_0123456789", timestamp)),
  );
}

/** Any request to `op`: its method most of the time, any other sometimes. */
export function fuzzRequest(op: Operation, world: World): fc.Arbitrary<FuzzRequest> {
  const method = fc.oneof(
    { arbitrary: fc.constant(op.method), weight: 5 },
    { arbitrary: fc.constantFrom(...METHODS), weight: 1 },
  );
  const body = fc.oneof(
    { arbitrary: shapedBody(op.bodySchema, world).map((value) => ({ kind: "shaped", value })), weight: 6 },
    { arbitrary: wrongType.map((value) => ({ kind: "wrong type", value })), weight: 1 },
    { arbitrary: deep.map((raw) => ({ kind: "deep", raw })), weight: 1 },
    { arbitrary: invalidUtf8.map((raw) => ({ kind: "invalid utf-8", raw })), weight: 1 },
    {
      arbitrary: fc
        .integer({ min: 65_000, max: 600_000 })
        .map((n) => ({ kind: "huge", raw: `{"email":"${"a".repeat(n)}"}` })),
      weight: 1,
    },
    { arbitrary: fc.constant({ kind: "none" }), weight: 1 },
  );
  const contentType = fc.oneof(
    { arbitrary: op.bodyTypes.length ? fc.constantFrom(...op.bodyTypes) : fc.constant("application/json"), weight: 4 },
    { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 1 },
  );
  const pathParams = op.params.filter((p) => p.in === "path");
  return fc
    .record({
      method,
      params: fc.array(pathParam(world), { minLength: pathParams.length, maxLength: pathParams.length }),
      query: query(op, world),
      headers: headers(world),
      body,
      contentType,
    })
    .map(({ method, params, query, headers, body, contentType }) => {
      let path = op.path;
      pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, params[i]!)));
      const sendsBody = !["GET", "HEAD"].includes(method) && body.kind !== "none";
      let encoded: string | Uint8Array | undefined;
      if (sendsBody) {
        const { raw, value } = body as { raw?: string | Uint8Array; value?: unknown };
        if (raw !== undefined) encoded = raw;
        else encoded = /form/.test(contentType) ? encodeForm(value) : JSON.stringify(value);
      }
      const all = {
        ...headers,
        ...(sendsBody && contentType && !/[\r\n]/.test(contentType) && { "content-type": contentType }),
      };
      const shown = typeof encoded === "string" ? encoded.slice(0, 300) : encoded ? `<${encoded.length} bytes>` : "";
      const label = `${method} ${(path + query).slice(0, 300)} [${body.kind}, ${all["content-type"] ?? "no type"}] ${shown}`;
      return { method, path: path + query, headers: all, body: encoded, label };
    })
    .chain((request) => {
      if (!op.params.some((p) => p.in === "header" && p.name === "stripe-signature")) return fc.constant(request);
      return stripeSignature(request.body).map((signature) =>
        signature === undefined
          ? request
          : { ...request, headers: { ...request.headers, "stripe-signature": signature } },
      );
    });
}
