/** `--help`, made from the command and option tables so it cannot drift from what is accepted. */
import { globalOptions, optionUsage, options, usageLine, type Command, type OptionName } from "./args";
import { table } from "./format";

const optionRows = (names: OptionName[]) =>
  names.map((name) => {
    const option = options[name];
    return [`  ${"short" in option ? `-${option.short}, ` : ""}${optionUsage(name)}`, option.help];
  });

export function help(commands: Command[], command?: Command): string {
  if (command) {
    const rows = optionRows([...command.options, ...globalOptions]);
    return [`usage: npm run tidings -- ${usageLine(command)}`, "", command.summary, "", table(rows)].join("\n");
  }
  return [
    "tidings: create, preview, test, send and watch digests through the Tidings HTTP API",
    "",
    "usage: npm run tidings -- <command> [options]",
    "",
    "commands:",
    ...commands.map((c) => `  ${usageLine(c)}\n      ${c.summary}`),
    "",
    "options:",
    table(optionRows([...globalOptions, ...(Object.keys(options) as OptionName[]).filter((name) => !globalOptions.includes(name))])),
    "",
    "The token and the URL come from --token and --api, or from TIDINGS_TOKEN and TIDINGS_API (`npm start` prints",
    "a token for the local stack). `<command> --help` shows one command.",
    "",
    "exit codes: 0 done; 1 the API refused or could not be reached; 2 a mistake in the command line;",
    "3 a watched send paused (its reason is printed).",
  ].join("\n");
}
