/**
 * A fresh local stack per benchmark run (DynamoDB Local gets slower for good after many writes, so runs never
 * share one), in a child process (`stack-child.ts`), with what it costs: CPU seconds and peak memory of the JVM
 * and of the emulators' Node process, read from /proc.
 */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { LocalEnv } from "../../scripts/local-stack";

export interface Usage {
  /** CPU seconds (user + system) used so far. */
  cpuSeconds: number;
  /** Resident memory now and at its peak, MiB. */
  rssMiB: number;
  peakRssMiB: number;
}

export interface BenchStack {
  env: LocalEnv;
  table: string;
  pids: { dynamoDb: number; emulators: number };
  /** What the SES emulator received so far. */
  mail(): Promise<{ emails: number; recipients: number; doubles: number }>;
  usage(): { dynamoDb: Usage; emulators: Usage };
  stop(): Promise<void>;
}

const TICKS = 100; // USER_HZ: /proc reports CPU time in 1/100 s on Linux

/** CPU and memory of a process from /proc (Linux only; zeros elsewhere or once it has gone). */
export function procUsage(pid: number): Usage {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime); the slice starts at field 3.
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS;
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (name: string) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+)`, "m"))?.[1] ?? 0);
    return { cpuSeconds, rssMiB: kib("VmRSS") / 1024, peakRssMiB: kib("VmHWM") / 1024 };
  } catch {
    return { cpuSeconds: 0, rssMiB: 0, peakRssMiB: 0 };
  }
}

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function isJava(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("DynamoDBLocal.jar");
  } catch {
    return false;
  }
}

export async function startStack(table: string): Promise<BenchStack> {
  const child: ChildProcess = fork(join(import.meta.dirname, "stack-child.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, TABLE_NAME: table },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const replies: Array<(message: any) => void> = [];
  const ready = new Promise<{ env: LocalEnv; table: string }>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the local stack exited (${code}) before it was ready`)));
    child.on("message", (message: any) => {
      if (message.type === "ready") resolve(message);
      else replies.shift()?.(message);
    });
  });
  const { env } = await ready;
  const java = childrenOf(child.pid!).find(isJava);
  if (!java) throw new Error("DynamoDB Local's JVM not found among the stack's processes");
  const ask = <T>(type: string) =>
    new Promise<T>((resolve) => {
      replies.push(resolve);
      child.send({ type });
    });
  return {
    env,
    table,
    pids: { dynamoDb: java, emulators: child.pid! },
    mail: () => ask("mail"),
    usage: () => ({ dynamoDb: procUsage(java), emulators: procUsage(child.pid!) }),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.send({ type: "stop" });
      await exited;
    },
  };
}
