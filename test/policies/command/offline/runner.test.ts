import { UNKNOWN } from "../../../../policies/protocol";
import * as path from "path";
import {
  EngineHost,
  PolicyPackProcess,
  type StackContext,
} from "../../../../policies/command/offline/analyzer";
import {
  buildEventStream,
  toNdjson,
  type EngineEvent,
  type PackAnalysis,
} from "../../../../policies/command/offline/events";
import { loadProject, loadStackConfig } from "../../../../policies/command/offline/project";
import { runStackProgram } from "../../../../policies/command/offline/program";
import { SECRET_SIG, SIG_KEY, type ProgramRun } from "../../../../policies/command/offline/registration";
import { engineResources, type EngineResource } from "../../../../policies/command/offline/resource-graph";
import { FIXTURES_DIR } from "../../../support/paths";

// One program run per stack and ONE pack process for the whole file, over real gRPC.
const PROGRAM = path.join(FIXTURES_DIR, "offline", "program");
const PACK = path.join(FIXTURES_DIR, "offline", "pack");
const project = loadProject(PROGRAM);

let engine: EngineHost;
let pack: PolicyPackProcess;

function runStack(stack: string): Promise<ProgramRun> {
  return runStackProgram(project, loadStackConfig(project, stack));
}

async function analyze(run: ProgramRun): Promise<{ resources: EngineResource[]; events: EngineEvent[] }> {
  const config = loadStackConfig(project, run.stack).values;
  const resources = engineResources(run, config);
  const results = new Map();
  for (const r of resources) results.set(r.registration.urn, await pack.analyze(r));
  const analysis: PackAnalysis = {
    info: pack.info,
    resources: results,
    stack: await pack.analyzeStack(resources),
  };
  return {
    resources,
    events: buildEventStream({
      project: run.project,
      stack: run.stack,
      config,
      resources,
      packs: [analysis],
      durationSeconds: 1,
      timestamp: 0,
    }),
  };
}

const urnOf = (run: ProgramRun, name: string): string => run.registrations.find((r) => r.name === name)!.urn;
const summaryFor = (events: EngineEvent[], urn: string) =>
  events.find((e) => e.policyAnalyzeSummaryEvent?.resourceUrn === urn)!.policyAnalyzeSummaryEvent!;

let dev: ProgramRun;
let prod: ProgramRun;
let devEvents: EngineEvent[];
let devResources: EngineResource[];

beforeAll(async () => {
  const config = loadStackConfig(project, "dev");
  const context: StackContext = {
    project: project.name,
    stack: "dev",
    organization: "organization",
    dryRun: true,
    config: config.values,
    secretKeys: config.secretKeys,
  };
  engine = await EngineHost.start();
  [pack, dev, prod] = await Promise.all([
    PolicyPackProcess.start(PACK, { engine, context }),
    runStack("dev"),
    runStack("prod"),
  ]);
  ({ events: devEvents, resources: devResources } = await analyze(dev));
}, 120000);

afterAll(async () => {
  await pack?.close();
  await engine?.stop();
});

describe("program runner", () => {
  it("runs the program from Pulumi.yaml main with the stack's project, stack name and config", () => {
    expect(dev.project).toBe("offline-fixture");
    expect(dev.registrations[0].type).toBe("pulumi:pulumi:Stack");
    expect(dev.registrations[0].name).toBe("offline-fixture-dev");
    expect(dev.registrations.map((r) => r.name)).toEqual(
      expect.arrayContaining(["app", "app-db-password", "app-host", "app-data", "app-web"]),
    );
  });

  it("captures protect, retainOnDelete, parent, dependsOn, property dependencies and the explicit provider", () => {
    const volume = dev.registrations.find((r) => r.name === "app-data")!;
    expect(volume.options.protect).toBe(true);
    expect(volume.options.retainOnDelete).toBe(true);
    expect(volume.parent).toBe(urnOf(dev, "app"));
    const web = dev.registrations.find((r) => r.name === "app-web")!;
    expect(web.dependencies).toContain(urnOf(dev, "app-data"));
    expect(web.propertyDependencies.image).toEqual([urnOf(dev, "app-image")]);
    expect(web.provider.startsWith(`${urnOf(dev, "app-host")}::`)).toBe(true);
    expect(web.options.customTimeouts).toEqual({ create: 300, update: 0, delete: 90 });
  });

  it("keeps generated secrets secret and preview unknowns as the sentinel", () => {
    const web = dev.registrations.find((r) => r.name === "app-web")!;
    const envs = web.inputs.envs as Record<string, unknown>[];
    expect(envs[0][SIG_KEY]).toBe(SECRET_SIG);
    expect((web.inputs.labels as { value: string }[])[0].value).toBe(UNKNOWN);
  });

  it("captures component outputs and stack outputs", () => {
    const app = dev.registrations.find((r) => r.name === "app")!;
    expect(app.outputs?.runbook).toContain("# Runbook for app");
    expect(dev.registrations[0].outputs?.token).toEqual({ [SIG_KEY]: SECRET_SIG, value: "[secret]" });
  });

  it("reports a RunError from the program as a configuration error without a stack trace", async () => {
    await expect(runStack("broken")).rejects.toMatchObject({
      name: "ProgramConfigError",
      message: "offline-fixture:replicas must be at least 1",
    });
  });
});

describe("analysis over gRPC", () => {
  it("adds the engine's default provider for resources without an explicit one", () => {
    const provider = devResources.find((r) => r.registration.type === "pulumi:providers:random")!;
    expect(provider.registration.name).toBe("default_4_21_2");
    expect(provider.registration.inputs).toEqual({ version: "4.21.2" });
  });

  it("hands the pack every resource option and the provider with its properties", () => {
    const event = devEvents.find((e) => e.policyEvent?.policyName === "container-options")!.policyEvent!;
    expect(event.message).toContain(
      "ignoreChanges=labels deleteBeforeReplace=true timeouts=300/90 secretOutputs=envs",
    );
    expect(event.message).toContain("provider=app-host:ssh://deploy@fixture.example.org");
    expect(event.message).toContain(`parent=${urnOf(dev, "app")}`);
  });

  it("summarises passed and failed as the engine does: not-applicable and disabled policies never pass", () => {
    expect(pack.info.policies.find((p) => p.name === "never-runs")!.enforcementLevel).toBe("disabled");
    expect(summaryFor(devEvents, urnOf(dev, "app-data"))).toEqual({
      resourceUrn: urnOf(dev, "app-data"),
      policyPackName: "offline-fixture-pack",
      policyPackVersion: "1.2.3",
      policyPackVersionTag: "1.2.3",
      passed: ["container-options", "labels-known", "protected-volumes"],
    });
    const web = summaryFor(devEvents, urnOf(dev, "app-web"));
    expect(web.passed).toBeUndefined();
    expect(web.failed).toEqual(["container-options", "labels-known"]);
  });

  it("turns an unknown value into the pack's advisory could-not-verify violation", () => {
    const event = devEvents.find((e) => e.policyEvent?.policyName === "labels-known")!.policyEvent!;
    expect(event.enforcementLevel).toBe("advisory");
    expect(event.message).toContain("can't be known during preview");
  });

  it("sends the whole graph to AnalyzeStack and configures the pack with the stack config", () => {
    const stack = devEvents.find((e) => e.policyAnalyzeStackSummaryEvent)!.policyAnalyzeStackSummaryEvent!;
    expect(stack.passed).toEqual(["web-after-volume"]);
    expect(stack.failed).toEqual(["stack-mode"]);
    const mode = devEvents.find((e) => e.policyEvent?.policyName === "stack-mode")!.policyEvent!;
    expect(mode.message).toBe(
      "<{%reset%}>Reports the mode the pack was configured with.\nmode is demo<{%reset%}>\n",
    );
    expect(mode.resourceUrn).toBe(urnOf(dev, "offline-fixture-dev"));
  });

  it("ends with a preview summary naming the pack and its version", () => {
    const summary = devEvents[devEvents.length - 1].summaryEvent!;
    expect(summary).toMatchObject({
      isPreview: true,
      PolicyPacks: { "offline-fixture-pack": "1.2.3" },
      result: "succeeded",
    });
    expect(devEvents[1].preludeEvent!.config["offline-fixture:apiToken"]).toBe("[secret]");
  });

  it("reports a mandatory violation when a program change breaks a policy", async () => {
    const { events } = await analyze(prod);
    const violation = events.find((e) => e.policyEvent?.policyName === "protected-volumes")!.policyEvent!;
    expect(violation).toMatchObject({
      enforcementLevel: "mandatory",
      severity: "high",
      resourceUrn: urnOf(prod, "app-data"),
    });
    expect(events[events.length - 1].summaryEvent!.result).toBe("failed");
  });

  it("never prints a generated secret in any event", () => {
    const web = dev.registrations.find((r) => r.name === "app-web")!;
    const secret = String((web.inputs.envs as { value: string }[])[0].value).split("=")[1];
    expect(secret).toHaveLength(24);
    const ndjson = toNdjson(devEvents);
    expect(ndjson).not.toContain(secret);
    expect(ndjson).toContain("[secret]");
  });
});
