/**
 * Arguments, with Node's `util.parseArgs`: every option is parsed once from one table, then checked against
 * what the chosen command accepts, so `digest list --to x` is refused rather than ignored.
 */
import { parseArgs } from "node:util";
import type { Api } from "./api";

export const options = {
  api: { type: "string", value: "URL", help: "the API's base URL (TIDINGS_API, default http://127.0.0.1:3000)" },
  token: { type: "string", value: "TOKEN", help: "an editor token (TIDINGS_TOKEN)" },
  help: { type: "boolean", short: "h", help: "show this help" },
  period: { type: "string", value: "P", help: "2026-11-30 (daily) or 2026-W48 (weekly); default the current one" },
  subject: { type: "string", value: "S", help: "the subject line" },
  intro: { type: "string", value: "I", help: "an introduction above the articles" },
  status: { type: "string", value: "S", help: "only those of this status" },
  variant: { type: "string", value: "free|patron", help: "the sample reader (default free)" },
  format: { type: "string", value: "html|text", help: "the HTML or the plain-text part (default html)" },
  email: { type: "string", value: "E", help: "as this subscriber would get it" },
  out: { type: "string", value: "FILE", help: "where to write it (preview: default <id>-<variant>.html|txt)" },
  to: { type: "string", multiple: true, value: "ADDRESS", help: "a recipient (repeat for more, at most 10)" },
  watch: { type: "boolean", help: "then follow the send with a progress bar" },
  cursor: { type: "string", value: "C", help: "go on from a page's cursor" },
  all: { type: "boolean", help: "follow the cursor to the last page" },
} as const;

export type OptionName = keyof typeof options;
export type Options = ReturnType<typeof parseArgs<{ options: typeof options }>>["values"];

export const globalOptions: OptionName[] = ["api", "token", "help"];

export interface Context {
  api: Api;
  /** The command's positional arguments, after its name. */
  args: string[];
  options: Options;
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  options: OptionName[];
  /** Of `options`, those that must be given. */
  required?: OptionName[];
  /** Answers the exit code (0 when undefined). */
  run(context: Context): Promise<number | void>;
}

/** A mistake in the command line: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function parse(argv: string[]): { positionals: string[]; options: Options } {
  try {
    // parseArgs reads `type`, `short` and `multiple`, and ignores the help texts beside them.
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { positionals, options: values };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The command named by the longest matching prefix of the positionals, and its own arguments. */
export function choose(commands: Command[], positionals: string[]): { command: Command; args: string[] } | undefined {
  const candidates = [...commands].sort((a, b) => b.name.split(" ").length - a.name.split(" ").length);
  for (const command of candidates) {
    const words = command.name.split(" ");
    if (words.every((word, i) => positionals[i] === word)) return { command, args: positionals.slice(words.length) };
  }
  return undefined;
}

/** Refuses options the command does not take and a wrong number of arguments. */
export function check(command: Command, args: string[], given: Options): void {
  const allowed = new Set<string>([...globalOptions, ...command.options]);
  const refused = Object.keys(given).filter((name) => !allowed.has(name));
  if (refused.length) throw new UsageError(`${command.name} does not take ${refused.map((name) => `--${name}`).join(", ")}`);
  const missing = (command.required ?? []).filter((name) => given[name] === undefined);
  if (missing.length) throw new UsageError(`${command.name} needs ${missing.map(optionUsage).join(", ")}`);
  const expected = command.usage.match(/<[^>]+>/g)?.length ?? 0;
  if (args.length !== expected) {
    throw new UsageError(`usage: npm run tidings -- ${usageLine(command)}`);
  }
}

export const optionUsage = (name: OptionName) => {
  const option = options[name];
  return "value" in option ? `--${name} ${option.value}` : `--${name}`;
};

/** `digest preview <id> [--variant free|patron] …` */
export const usageLine = (command: Command) =>
  [
    command.name,
    command.usage,
    ...command.options.map((name) => (command.required?.includes(name) ? optionUsage(name) : `[${optionUsage(name)}]`)),
  ]
    .filter(Boolean)
    .join(" ");

/** One of `choices`, or a usage error naming the option. */
export function oneOf<T extends string>(name: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined || (choices as readonly string[]).includes(value)) return value as T | undefined;
  throw new UsageError(`${name} must be one of ${choices.join(", ")} (not "${value}")`);
}
