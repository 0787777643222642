/**
 * `npm run bench`: what the deployment-reliability pack and the offline check cost, measured in one
 * run so the ratios compare like with like on the same (often shared) machine.
 *
 *   (a) pack start-up until GetAnalyzerInfo has answered, against a one-policy baseline pack
 *   (b) Analyze time per resource over the `local` stack's resources, against the baseline; also
 *       the CPU time the pack's main thread spent per resource, which the other jobs of a shared
 *       machine do not inflate (the wall figure swings by more than the pack's whole overhead)
 *   (c) `agency-deploy check` wall time for the `local` stack
 *   (d) a fleet program of 100 DockerAgencyInstances through the offline check: wall time and the
 *       peak resident memory of the whole process tree
 *
 * Options: --runs N (medians over N runs; default 3, or BENCH_RUNS), --fleet-runs N (default 1, or
 * BENCH_FLEET_RUNS), --no-fleet.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineHost, PolicyPackProcess, type StackContext } from "../policies/command/offline/analyzer";
import { effectiveConfig } from "../policies/command/offline/check";
import { runProgram } from "../policies/command/offline/program";
import { loadProject } from "../policies/command/offline/project";
import { engineResources, type EngineResource } from "../policies/command/offline/resource-graph";
import { mainThreadCpuMs } from "./cpu-time";
import { runTree, type TreeRun } from "./process-tree";
import { formatBytes, formatMs, median, timed } from "./stats";

const REPO_ROOT = path.resolve(__dirname, "..");
const CLI = path.join(REPO_ROOT, "dist", "policies", "command", "cli", "main.js");
const PACK = path.join(REPO_ROOT, "policies");
const BASELINE_PACK = path.join(__dirname, "baseline-pack");
const STACKS = path.join(REPO_ROOT, "stacks");
const FLEET = path.join(__dirname, "fleet");
const GIB = 1024 ** 3;

interface Options {
  runs: number;
  fleetRuns: number;
  fleet: boolean;
}

function positive(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number >= 1, got "${text}"`);
  return value;
}

function parseOptions(argv: string[]): Options {
  const valueOf = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i < 0 ? undefined : argv[i + 1];
  };
  return {
    runs: positive(valueOf("--runs") ?? process.env.BENCH_RUNS, 3, "--runs"),
    fleetRuns: positive(valueOf("--fleet-runs") ?? process.env.BENCH_FLEET_RUNS, 1, "--fleet-runs"),
    fleet: !argv.includes("--no-fleet"),
  };
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

function machine(): string[] {
  const cpus = os.cpus();
  return [
    `CPU: ${cpus[0]?.model ?? "unknown"} x ${cpus.length}`,
    `RAM: ${(os.totalmem() / GIB).toFixed(1)} GiB`,
    `Node.js: ${process.version}`,
    `OS: ${os.type()} ${os.release()}`,
    `Load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
    `Date: ${new Date().toISOString()}`,
  ];
}

/** The `local` stack's registrations, as the offline check produces them, and the context its packs get. */
async function localStack(): Promise<{ resources: EngineResource[]; context: StackContext }> {
  const project = loadProject(STACKS);
  const config = effectiveConfig(project, { programDir: STACKS, stack: "local", policyPacks: [] });
  const run = await runProgram({
    pwd: project.pwd,
    program: project.program,
    rootDirectory: project.root,
    project: project.name,
    stack: "local",
    config: config.values,
    secretKeys: config.secretKeys,
  });
  return {
    resources: engineResources(run, config.values),
    context: {
      project: project.name,
      stack: "local",
      organization: "organization",
      dryRun: true,
      config: config.values,
      secretKeys: config.secretKeys,
    },
  };
}

interface StartUp {
  pack: number[];
  baseline: number[];
}

async function measureStartUp(runs: number, engine: EngineHost, context: StackContext): Promise<StartUp> {
  const result: StartUp = { pack: [], baseline: [] };
  for (let i = 0; i < runs; i++) {
    // Alternate which pack goes first so a warming disk cache favours neither.
    const order: [keyof StartUp, string][] = [
      ["pack", PACK],
      ["baseline", BASELINE_PACK],
    ];
    if (i % 2 === 1) order.reverse();
    for (const [which, dir] of order) {
      const { ms, value } = await timed(() => PolicyPackProcess.start(dir, { engine, context }));
      await value.close();
      result[which].push(ms);
      log(`start-up ${which} ${formatMs(ms)}`);
    }
  }
  return result;
}

interface Pass {
  /** Wall time per resource, ms. */
  ms: number;
  /** CPU time of the pack's main thread per resource, ms; undefined without /proc. */
  cpuMs?: number;
}

async function analyzeAll(pack: PolicyPackProcess, resources: EngineResource[]): Promise<Pass> {
  const cpuBefore = mainThreadCpuMs(pack.pid);
  const { ms } = await timed(async () => {
    // One request at a time, as the engine steps through resources.
    for (const resource of resources) await pack.analyze(resource);
  });
  const cpuAfter = mainThreadCpuMs(pack.pid);
  const n = resources.length;
  return {
    ms: ms / n,
    cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / n,
  };
}

interface AnalyzeTimes {
  /** Per-resource ms of the first pass (parsers loaded, build context read). */
  packCold: number;
  baselineCold: number;
  /** Per-resource ms of each later pass. */
  pack: number[];
  baseline: number[];
  /** CPU ms per resource of each later pass, the pack's and the baseline's main thread (empty without /proc). */
  packCpu: number[];
  baselineCpu: number[];
  /** Whole AnalyzeStack calls of the pack, ms. */
  packStack: number[];
}

async function measureAnalyze(
  runs: number,
  engine: EngineHost,
  context: StackContext,
  resources: EngineResource[],
): Promise<AnalyzeTimes> {
  const pack = await PolicyPackProcess.start(PACK, { engine, context });
  const baseline = await PolicyPackProcess.start(BASELINE_PACK, { engine, context });
  try {
    const times: AnalyzeTimes = {
      packCold: (await analyzeAll(pack, resources)).ms,
      baselineCold: (await analyzeAll(baseline, resources)).ms,
      pack: [],
      baseline: [],
      packCpu: [],
      baselineCpu: [],
      packStack: [],
    };
    for (let i = 0; i < runs; i++) {
      const packPass = await analyzeAll(pack, resources);
      const baselinePass = await analyzeAll(baseline, resources);
      times.pack.push(packPass.ms);
      times.baseline.push(baselinePass.ms);
      if (packPass.cpuMs !== undefined && baselinePass.cpuMs !== undefined) {
        times.packCpu.push(packPass.cpuMs);
        times.baselineCpu.push(baselinePass.cpuMs);
      }
      times.packStack.push((await timed(() => pack.analyzeStack(resources))).ms);
      log(`analyze pass ${i + 1}: ${formatMs(times.pack[i])} vs ${formatMs(times.baseline[i])} per resource`);
    }
    return times;
  } finally {
    await Promise.all([pack.close(), baseline.close()]);
  }
}

async function runCheck(programDir: string, stack: string, out: string): Promise<TreeRun> {
  const run = await runTree(
    process.execPath,
    [CLI, "check", "--program", programDir, "--stack", stack, "--format", "json", "--out", out],
    REPO_ROOT,
  );
  // 0: no mandatory failure, 1: one failed; anything else means the check itself did not run.
  if (run.exitCode !== 0 && run.exitCode !== 1) {
    throw new Error(`check of ${stack} exited ${run.exitCode}:\n${run.stderr.trim()}`);
  }
  return run;
}

/** Milliseconds from start to the first stderr line matching `pattern`. */
function phaseAt(run: TreeRun, pattern: RegExp): number | undefined {
  return run.lines.find((l) => pattern.test(l.text))?.atMs;
}

interface Row {
  measure: string;
  value: string;
  baseline: string;
  ratio: string;
  goal: string;
  /** undefined: a figure for information, with no goal. */
  met?: boolean;
}

function table(rows: Row[]): string {
  const header = "| Measure | Median | Baseline | Ratio | Goal | Goal met |\n|---|---|---|---|---|---|";
  const body = rows.map(
    (r) =>
      `| ${r.measure} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.goal} | ${r.met === undefined ? "-" : r.met ? "met" : "NOT MET"} |`,
  );
  return [header, ...body].join("\n");
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!fs.existsSync(CLI)) {
    throw new Error(
      `${path.relative(REPO_ROOT, CLI)} is missing: run \`npm run build\` (npm ci does it) first`,
    );
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-bench-"));
  const info = machine();
  log(`${options.runs} run(s) per measure, ${options.fleet ? options.fleetRuns : 0} fleet run(s)`);

  log("running the local stack's program once for its resources");
  const { resources, context } = await localStack();
  const engine = await EngineHost.start();
  let startUp: StartUp;
  let analyze: AnalyzeTimes;
  try {
    startUp = await measureStartUp(options.runs, engine, context);
    analyze = await measureAnalyze(options.runs, engine, context, resources);
  } finally {
    await engine.stop();
  }

  const checks: TreeRun[] = [];
  for (let i = 0; i < options.runs; i++) {
    checks.push(await runCheck(STACKS, "local", path.join(out, "local.json")));
    log(`check local ${formatMs(checks[i].wallMs)}`);
  }

  const fleets: TreeRun[] = [];
  if (options.fleet) {
    for (let i = 0; i < options.fleetRuns; i++) {
      fleets.push(await runCheck(FLEET, "bench", path.join(out, "fleet.json")));
      log(`check fleet ${formatMs(fleets[i].wallMs)}`);
    }
  }
  const fleetReport =
    fleets.length > 0
      ? (JSON.parse(fs.readFileSync(path.join(out, "fleet.json"), "utf8")) as { verdict?: string })
      : undefined;
  fs.rmSync(out, { recursive: true, force: true });

  const packStart = median(startUp.pack);
  const baseStart = median(startUp.baseline);
  const packPer = median(analyze.pack);
  const basePer = median(analyze.baseline);
  const checkWall = median(checks.map((c) => c.wallMs));
  const rows: Row[] = [
    {
      measure: "(a) pack start-up to GetAnalyzerInfo",
      value: formatMs(packStart),
      baseline: formatMs(baseStart),
      ratio: `${(packStart / baseStart).toFixed(2)}x`,
      goal: "<= 1.5x baseline",
      met: packStart / baseStart <= 1.5,
    },
    {
      measure: `(b) Analyze per resource, local stack (${resources.length} resources)`,
      value: formatMs(packPer),
      baseline: formatMs(basePer),
      ratio: `+${formatMs(packPer - basePer)} overhead`,
      goal: "overhead < 2 ms",
      met: packPer - basePer < 2,
    },
    ...(analyze.packCpu.length > 0
      ? [
          {
            measure: "(b) the same, CPU time of the pack's main thread per resource",
            value: formatMs(median(analyze.packCpu)),
            baseline: formatMs(median(analyze.baselineCpu)),
            ratio: `+${formatMs(median(analyze.packCpu) - median(analyze.baselineCpu))} overhead`,
            goal: "-",
          },
        ]
      : []),
    {
      measure: "(b') first Analyze pass per resource (parsers load, context read)",
      value: formatMs(analyze.packCold),
      baseline: formatMs(analyze.baselineCold),
      ratio: `+${formatMs(analyze.packCold - analyze.baselineCold)} overhead`,
      goal: "-",
    },
    {
      measure: "(c) `check` wall time, local stack",
      value: formatMs(checkWall),
      baseline: "-",
      ratio: "-",
      goal: "< 10 s",
      met: checkWall < 10_000,
    },
  ];
  if (fleets.length > 0) {
    const wall = median(fleets.map((f) => f.wallMs));
    const peaks = fleets.map((f) => f.peakTreeRss).filter((p): p is number => p !== undefined);
    const peak = peaks.length > 0 ? Math.max(...peaks) : undefined;
    rows.push(
      {
        measure: "(d) fleet of 100 instances: `check` wall time",
        value: formatMs(wall),
        baseline: "-",
        ratio: "-",
        goal: "< 60 s",
        met: wall < 60_000,
      },
      {
        measure: "(d) fleet of 100 instances: peak memory (process tree)",
        value: peak === undefined ? "not measured (no /proc)" : formatBytes(peak),
        baseline: "-",
        ratio: "-",
        goal: "< 1.5 GiB",
        met: peak !== undefined && peak < 1.5 * GIB,
      },
    );
  }

  const lines = [
    "## Machine",
    "",
    ...info.map((l) => `- ${l}`),
    "",
    `## Results (medians of ${options.runs} run(s); fleet: ${fleets.length} run(s))`,
    "",
    table(rows),
    "",
    "## Detail",
    "",
    `- start-up samples (ms): pack ${startUp.pack.map(Math.round).join(", ")}; baseline ${startUp.baseline.map(Math.round).join(", ")}`,
    `- Analyze per resource samples (ms): pack ${analyze.pack.map((v) => v.toFixed(2)).join(", ")}; baseline ${analyze.baseline.map((v) => v.toFixed(2)).join(", ")}`,
    `- Analyze CPU per resource samples (ms): pack ${analyze.packCpu.map((v) => v.toFixed(3)).join(", ")}; baseline ${analyze.baselineCpu.map((v) => v.toFixed(3)).join(", ")}`,
    `- AnalyzeStack, local stack: median ${formatMs(median(analyze.packStack))}`,
    `- check local samples: ${checks.map((c) => formatMs(c.wallMs)).join(", ")}`,
  ];
  for (const [i, f] of fleets.entries()) {
    const analyzing = phaseAt(f, /analyzing \d+ resources/);
    const judged = phaseAt(f, /Deployment Reliable:/);
    const count = /analyzing (\d+) resources/.exec(f.stderr)?.[1] ?? "?";
    lines.push(
      `- fleet run ${i + 1}: ${count} resources; program + pack start ${analyzing === undefined ? "?" : formatMs(analyzing)}, ` +
        `analysis ${analyzing === undefined || judged === undefined ? "?" : formatMs(judged - analyzing)}, ` +
        `total ${formatMs(f.wallMs)}; verdict ${fleetReport?.verdict ?? "?"}`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
