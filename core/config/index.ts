/**
 * Every setting of Tidings, resolved in one place and read lazily (never at import time, so core imports cleanly
 * in tests and scripts). Locally a setting comes from its environment variable; deployed, an unset variable falls
 * back to the SST-linked resource named beside it. A missing or malformed required setting fails with a message
 * naming it, the first time configuration is read (at start: `npm start`, or a Lambda's first event).
 */
import { Resource } from "sst/resource";
import * as z from "zod"; // a namespace import lets esbuild drop the parts of zod never used
import * as Money from "../money";
import { brandColor } from "./brand";
import { contributionAmounts, contributionCurrency, contributionFee } from "./contributions";
import { editorTokens } from "./editor-tokens";
import { editors } from "./editors";
import { languages } from "./languages";
import { tiersSchema, type Tier } from "./tiers";

export { currentPrices, nameOfTier, priceOfTier, tierName, tierOfPrice, type Price, type Tier } from "./tiers";
export { feeToCover, type Fee } from "./contributions";
export { allows, EDITOR_TOKEN_MIN_LENGTH, editorScopes, type EditorScope, type EditorToken } from "./editor-tokens";
export { editorRoles, type EditorAccount, type EditorRole } from "./editors";

/** Setting name → how to read it from SST's `Resource` when it is not in the environment. */
const linked: Record<string, (resource: Record<string, any>) => string | undefined> = {
  TABLE_NAME: (r) => r.Table?.name,
  SEND_QUEUE_URL: (r) => r.SendQueue?.url,
  TRANSACTIONAL_QUEUE_URL: (r) => r.TransactionalQueue?.url,
  SIGNING_SECRET: (r) => r.SigningSecret?.value,
  SIGNING_SECRET_PREVIOUS: (r) => r.SigningSecretPrevious?.value,
  EDITOR_TOKENS: (r) => r.EditorTokens?.value,
  STRIPE_SECRET_KEY: (r) => r.StripeSecretKey?.value,
  STRIPE_WEBHOOK_SECRET: (r) => r.StripeWebhookSecret?.value,
  SES_CONFIGURATION_SET: (r) => r.Email?.configSet,
  EXPORT_BUCKET: (r) => r.Exports?.name,
};

const optional = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));
const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
const positive = (fallback: number) => z.coerce.number().positive().default(fallback);

const schema = z.object({
  PUBLIC_URL: z.url().transform((url) => url.replace(/\/+$/, "")),
  SIGNING_SECRET: z.string().min(32, "at least 32 characters"),
  SIGNING_SECRET_PREVIOUS: optional.refine(
    (value) => !value || value.split(",").filter(Boolean).every((secret) => secret.length >= 32),
    "each secret at least 32 characters",
  ),
  /** Required only where editor routes run (the API): `requireEditorTokens()` checks it there. */
  EDITOR_TOKENS: editorTokens,
  /** Who may sign in to the dashboard, `email:role,…` (none: nobody can; the API's tokens still work). */
  EDITORS: editors,
  /** Whether the daily and weekly digests are created and sent on their schedules (the dashboard says when). */
  SCHEDULED_DIGESTS: z.enum(["on", "off"]).default("off"),
  /** The schedules' timezone (an IANA name). */
  TIDINGS_TIMEZONE: z.string().default("UTC").refine((zone) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, "an IANA timezone such as Europe/Kyiv"),
  MAIL_FROM: z.string().min(3),
  MAIL_REPLY_TO: optional,
  /** Optional `mailto:` address added to List-Unsubscribe beside the one-click HTTPS URL. */
  UNSUBSCRIBE_MAILTO: optional,
  POSTAL_ADDRESS: z.string().min(5),
  OUTLET_NAME: z.string().default("Tidings"),
  /** The languages readers may choose (`en,uk`); the first is the default, for readers who have none. */
  LANGUAGES: languages,
  /** The pages' brand colour (`#rrggbb`, dark enough for white text on it). */
  BRAND_COLOR: brandColor,
  STRIPE_SECRET_KEY: optional,
  STRIPE_WEBHOOK_SECRET: optional.transform(list),
  STRIPE_API_BASE: z.url().optional(),
  /**
   * `on`: Checkout calculates and collects tax with Stripe Tax (which must be set up in the Stripe account: origin
   * address, registrations, the prices' tax behaviour), collecting the address it needs. Default `off`.
   */
  STRIPE_AUTOMATIC_TAX: z.enum(["on", "off"], { error: 'expected "on" or "off"' }).default("off"),
  TIERS: z
    .string()
    .default("[]")
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "not valid JSON" });
        return z.NEVER;
      }
    })
    .pipe(tiersSchema),
  /** Contributions: preset amounts (minor units, comma-separated), offered in this order. */
  CONTRIBUTION_AMOUNTS: contributionAmounts,
  /** The bounds of an amount the contributor chooses, in minor units (inclusive; presets must lie within). */
  CONTRIBUTION_MIN: z.coerce.number().int().positive().default(100),
  CONTRIBUTION_MAX: z.coerce.number().int().positive().max(99_999_999).default(100_000),
  CONTRIBUTION_CURRENCY: contributionCurrency,
  /** Stripe's card fee, for "cover the fee": `<percent>%+<fixed minor units>` (`0`: no such option). */
  CONTRIBUTION_FEE: contributionFee,
  SES_MAX_SEND_RATE: positive(14),
  /** Send workers running at once; each paces itself at SES_MAX_SEND_RATE / SEND_CONCURRENCY. */
  SEND_CONCURRENCY: z.coerce.number().int().positive().default(2),
  /**
   * Emails per second of SES_MAX_SEND_RATE kept for transactional email (confirmations, sign-in links, patron
   * emails): digests pace at the rest. Default: a fifth of the rate, at least 1 and at most half (`sendRates`).
   */
  TRANSACTIONAL_SEND_RATE: z.coerce.number().positive().optional(),
  SES_CONFIGURATION_SET: optional,
  GRACE_DAYS: positive(7),
  /** How many days before a grace period ends its reminder goes out (core/patrons/reminders.ts). */
  GRACE_REMINDER_DAYS: positive(2),
  /** Days after a membership lapsed that its one win-back email goes out (core/patrons/winback.ts). */
  WINBACK_DAYS: z.coerce.number().int().positive().default(30),
  /** A Stripe promotion code offered in the win-back email (none: the email offers the way back without one). */
  WINBACK_PROMOTION_CODE: optional,
  MAX_VOTES_PER_PATRON: z.coerce.number().int().positive().default(3),
  /** Proposed topics one patron may have waiting for the editors at once. */
  MAX_OPEN_PROPOSALS_PER_PATRON: z.coerce.number().int().positive().default(3),
  TABLE_NAME: z.string().min(3),
  SEND_QUEUE_URL: optional,
  /** The transactional queue: confirmations and sign-in links, sent ahead of any digest (core/transactional). */
  TRANSACTIONAL_QUEUE_URL: optional,
  /** The S3 bucket editors' exports are written to; without it the export answers 503. */
  EXPORT_BUCKET: optional,
  AWS_REGION: z.string().default("us-east-1"),
  DYNAMODB_ENDPOINT: optional,
  SES_ENDPOINT: optional,
  SQS_ENDPOINT: optional,
  S3_ENDPOINT: optional,
  /** `local` turns off what needs HTTPS (Secure cookies); anything else is treated as deployed. */
  STAGE: z.string().default("local"),
});

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

let cached: Config | undefined;

/** The resolved settings; throws a `ConfigError` naming every missing or malformed one. */
export function get(): Config {
  cached ??= load(process.env);
  return cached;
}

/** `code` when it is one of `LANGUAGES`, else the default language (the first). */
export function readerLanguage(code: unknown): string {
  const { LANGUAGES } = get();
  return typeof code === "string" && LANGUAGES.includes(code) ? code : LANGUAGES[0]!;
}

/** The editor tokens; fails naming the setting where editor routes run without any configured. */
export function requireEditorTokens(): Config["EDITOR_TOKENS"] {
  const tokens = get().EDITOR_TOKENS;
  if (tokens.length === 0) throw new ConfigError("Tidings is not configured: EDITOR_TOKENS is required (name:scope:token,...)");
  return tokens;
}

/** Forgets the resolved settings, so the next `get()` reads them again (tests that change a setting). */
export function reset(): void {
  cached = undefined;
}

export function load(env: NodeJS.ProcessEnv): Config {
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) raw[key] = env[key] || fromResource(key);
  const parsed = schema.safeParse(raw);
  if (parsed.success) return checkContributionBounds(parsed.data);
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    const where = linked[name] ? ` (environment variable ${name}, or the linked SST resource)` : "";
    return raw[name] === undefined ? `${name} is required${where}` : `${name}: ${issue.message}`;
  });
  throw new ConfigError(`Tidings is not configured: ${problems.join("; ")}`);
}

/** The contribution bounds must hold every preset amount (settings that only make sense together). */
function checkContributionBounds(config: Config): Config {
  const { CONTRIBUTION_MIN: min, CONTRIBUTION_MAX: max, CONTRIBUTION_AMOUNTS: amounts } = config;
  if (min > max) throw new ConfigError(`Tidings is not configured: CONTRIBUTION_MIN (${min}) is above CONTRIBUTION_MAX (${max})`);
  const outside = amounts.filter((amount) => amount < min || amount > max);
  if (outside.length > 0) {
    throw new ConfigError(`Tidings is not configured: CONTRIBUTION_AMOUNTS ${outside.join(", ")} outside CONTRIBUTION_MIN..CONTRIBUTION_MAX`);
  }
  // Stripe charges three-decimal currencies in tens of their minor unit, and ISK in whole krónur (hundreds).
  const unchargeable = amounts.filter((amount) => !Money.isChargeable(amount, config.CONTRIBUTION_CURRENCY));
  if (unchargeable.length > 0) {
    const step = Money.chargeStep(config.CONTRIBUTION_CURRENCY);
    throw new ConfigError(`Tidings is not configured: CONTRIBUTION_AMOUNTS ${unchargeable.join(", ")} not multiples of ${step} (Stripe's step in ${config.CONTRIBUTION_CURRENCY})`);
  }
  return config;
}

function fromResource(name: string): string | undefined {
  const read = linked[name];
  if (!read) return undefined;
  try {
    return read(Resource as Record<string, any>);
  } catch {
    return undefined; // not running under SST, or not linked to this function
  }
}
