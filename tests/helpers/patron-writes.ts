/**
 * Whether a DynamoDB command the app sends writes a patron item: a Put of one, or a transaction putting one (a patron
 * who starts or stops paying is written with the day's joined or churned counter, core/db/patrons.ts). For tests
 * that make patron writes fail.
 */
import { PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";

export function isPatronWrite(command: unknown): boolean {
  if (command instanceof PutCommand) return command.input.Item?.entity === "patron";
  if (command instanceof TransactWriteCommand) return (command.input.TransactItems ?? []).some((item) => item.Put?.Item?.entity === "patron");
  return false;
}
