/**
 * `npm run tidings -- <command>`: the editor CLI. It talks only to the HTTP API (`--api` / `TIDINGS_API`, with
 * `--token` / `TIDINGS_TOKEN`), so it works the same against `npm start` and a deployed stage.
 * `npm run tidings -- --help` lists the commands.
 */
import { ApiError, connect, UnreachableError } from "./cli/api";
import { check, choose, parse, UsageError } from "./cli/args";
import { commands } from "./cli/commands";
import { help } from "./cli/help";

const DEFAULT_API = "http://127.0.0.1:3000";

async function main(argv: string[]): Promise<number> {
  const { positionals, options } = parse(argv);
  const chosen = choose(commands, positionals);
  if (options.help || positionals.length === 0) {
    console.log(help(commands, chosen?.command));
    return options.help ? 0 : 2;
  }
  if (!chosen) throw new UsageError(`unknown command: ${positionals.join(" ")}`);
  check(chosen.command, chosen.args, options);
  const api = connect(options.api ?? process.env.TIDINGS_API ?? DEFAULT_API, options.token ?? process.env.TIDINGS_TOKEN);
  return (await chosen.command.run({ api, args: chosen.args, options })) ?? 0;
}

/** Prints what went wrong for a person to act on; answers the exit code. */
function report(error: unknown): number {
  if (error instanceof UsageError) {
    console.error(`tidings: ${error.message}\nSee: npm run tidings -- --help`);
    return 2;
  }
  if (error instanceof ApiError) {
    console.error(`tidings: ${error.status} ${error.code}: ${error.message}`);
    for (const [field, message] of Object.entries(error.fields ?? {})) console.error(`  ${field}: ${message}`);
    if (error.status === 401) console.error("Set TIDINGS_TOKEN (or --token) to an editor token; `npm start` prints one.");
    return 1;
  }
  if (error instanceof UnreachableError) {
    console.error(`tidings: ${error.message} Is it running (npm start)? Set TIDINGS_API or --api to its URL.`);
    return 1;
  }
  console.error("tidings:", error);
  return 1;
}

process.exitCode = await main(process.argv.slice(2)).catch(report);
