/**
 * Points Tidings (this process) at a fresh benchmark stack: settings, clients and request counting.
 */
import "./quiet";
import * as Config from "../../core/config";
import * as Db from "../../core/db";
import * as Digests from "../../core/digests";
import * as Email from "../../core/email";
import * as Queue from "../../core/queue";
import { demoSettings } from "../../scripts/local-stack";
import * as Requests from "./requests";
import { publish } from "./seed";
import { startStack, type BenchStack } from "./stack";

const settings = {
  PUBLIC_URL: "https://tidings.example.net",
  SIGNING_SECRET: "bench-signing-secret-0123456789abcdef",
  ...demoSettings,
};

let runs = 0;

/** A fresh stack with the topics and articles published and a weekly digest created (a draft). */
export async function freshStack(extra: Record<string, string> = {}): Promise<{ stack: BenchStack; digestId: string }> {
  const table = `tidings-bench-${++runs}`;
  const stack = await startStack(table);
  Object.assign(process.env, settings, stack.env, { TABLE_NAME: table }, extra);
  Config.reset();
  Db.resetClient();
  Email.resetClient();
  Queue.resetClient();
  Requests.count("dynamodb", Db.db());
  Requests.measureCapacity(Db.db());
  Requests.count("sqs", Queue.sqs());
  await publish();
  const { digest } = await Digests.create({ frequency: "weekly", period: "2030-W40" });
  return { stack, digestId: digest.id };
}

/** Peak resident memory of this process over a stretch of time, sampled every 100 ms. */
export function peakRss() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) / 2 ** 20;
    },
  };
}
