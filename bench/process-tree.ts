/**
 * Runs a command and samples the resident memory of its whole process tree (the CLI, the program
 * host it forks, the policy pack it spawns): a check's peak memory is the sum of all three, which
 * no single process's max RSS shows. Linux only (/proc); elsewhere the peak is not measured.
 */
import { spawn } from "child_process";
import * as fs from "fs";

export interface TreeRun {
  exitCode: number | null;
  wallMs: number;
  /** Highest sum of RSS over the tree seen at any sample, in bytes; undefined without /proc. */
  peakTreeRss?: number;
  stderr: string;
  /** stderr lines with the milliseconds since start at which each arrived. */
  lines: { atMs: number; text: string }[];
}

const PAGE_SIZE = 4096;

/** pid -> [ppid, rss in bytes] for every process visible in /proc. */
function processTable(): Map<number, [number, number]> {
  const table = new Map<number, [number, number]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name is in parentheses and may contain spaces: fields follow the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      table.set(Number(entry), [Number(fields[1]), Number(fields[21]) * PAGE_SIZE]);
    } catch {
      // The process exited between the listing and the read.
    }
  }
  return table;
}

function treeRss(root: number): number {
  const table = processTable();
  const children = new Map<number, number[]>();
  for (const [pid, [ppid]] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let total = 0;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    total += table.get(pid)?.[1] ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

export function runTree(command: string, args: string[], cwd: string, sampleMs = 100): Promise<TreeRun> {
  const canSample = fs.existsSync("/proc/self/stat");
  const started = performance.now();
  const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  let peak = 0;
  const sample = () => {
    if (child.pid !== undefined) peak = Math.max(peak, treeRss(child.pid));
  };
  const timer = canSample ? setInterval(sample, sampleMs) : undefined;
  let stderr = "";
  const lines: TreeRun["lines"] = [];
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    stderr += text;
    for (const line of text.split("\n")) {
      if (line.trim() !== "") lines.push({ atMs: performance.now() - started, text: line });
    }
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      if (timer) clearInterval(timer);
      resolve({
        exitCode: code,
        wallMs: performance.now() - started,
        peakTreeRss: canSample ? peak : undefined,
        stderr,
        lines,
      });
    });
  });
}
