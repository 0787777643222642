/**
 * The deployment model, built once per analysis before any rule runs: the resources the engine
 * showed (Analyze: one; AnalyzeStack: all) -> workloads (what runs, with which image, command,
 * env, user, ports, health, restart, limits) and the role each plays -> databases, start plans
 * (one-shot jobs and their steps in order), the web servers -> for each (image, settings module)
 * pair, the app facts from inspectBuildContext.
 *
 * Rules receive this model and the facts; they never call an inspector, read a file or parse a
 * command. A new source of resources (an app's own compose files) plugs in here: whatever turns
 * it into `Resource`s gets the same workloads, facts and rules.
 *
 * Parts are computed on first use and kept: a rule that reads a part pays for it once per
 * analysis, and a value unknown during preview that stops a part is thrown to the rules that read
 * it (and only them), which report "could not verify".
 */
import { unsuppliedSettings, type UnsuppliedSetting } from "./unsupplied-settings";
import { NO_ENVIRONMENT } from "../inspect/script-environment";
import type { Parser } from "web-tree-sitter";
import { loadParser } from "../inspect/grammars";
import { readStartCommand, type StartScript } from "../inspect/start-command";
import type { Resource } from "../rules/rule";
import { DOCKER } from "../rules/types";
import { AppFacts, inspectImage, type InspectImage } from "./app-facts";
import { appBuilds, buildShapeFindings, runtimeSettingsModule, usersOfImages } from "./app-builds";
import type { AppBuilds } from "./app-builds";
import { backupServices, type BackupService } from "./backups";
import { databasesFor, type DatabaseAlias, type StackDatabases } from "./databases";
import { imageFacts, type ImageFacts, type WorkloadFacts, workloadFacts } from "./image-facts";
import { applicationPlans, type StartPlan } from "./start-plan";
import { webServers, type WebServers } from "./web-servers";
import { imageResourcesOf, resolvedEnv, workloadsOf } from "./workloads";
import type { EnvValue, Workload, WorkloadRole } from "./workloads";

/** What a workload that runs its image's own command runs by itself. */
const NO_COMMAND: StartScript = {
  steps: [],
  errexit: false,
  opaque: null,
  waitLoops: [],
  environment: NO_ENVIRONMENT,
};

export class Deployment {
  readonly facts: AppFacts;
  private parts = new Map<string, unknown>();
  private shellParser: Parser | undefined;

  private constructor(
    readonly resources: readonly Resource[],
    inspect: InspectImage,
  ) {
    this.facts = new AppFacts(inspect);
  }

  /** The model of `resources` with the facts of every (image, settings module) pair it holds. */
  static async build(
    resources: readonly Resource[],
    inspect: InspectImage = inspectImage,
  ): Promise<Deployment> {
    const deployment = new Deployment(resources, inspect);
    await deployment.gather();
    return deployment;
  }

  /**
   * The model of one resource as Analyze shows it, for the rules that judge a resource alone: only
   * an Image's own facts are gathered (with the settings module its Dockerfile names); its workloads
   * and plans are not needed there, so a container's analysis pays for none of them.
   */
  static async ofResource(resource: Resource, inspect: InspectImage = inspectImage): Promise<Deployment> {
    const deployment = new Deployment([resource], inspect);
    try {
      if (resource.type === DOCKER.image && buildShapeFindings(resource).length === 0) {
        await deployment.facts.gather(resource, undefined);
      }
    } catch (error) {
      deployment.facts.failed(error);
    }
    return deployment;
  }

  private async gather(): Promise<void> {
    try {
      const workloads = this.workloads;
      // Start commands are read with tree-sitter's bash grammar; load it once, before the rules.
      if (workloads.some((w) => w.argv.length > 0)) this.shellParser = await loadParser("bash");
      const usersOf = this.usersOfImages;
      const pairs: [Resource, string | undefined][] = [];
      for (const image of this.resources.filter((r) => r.type === DOCKER.image)) {
        if (buildShapeFindings(image).length === 0)
          pairs.push([image, runtimeSettingsModule(usersOf.get(image) ?? [])]);
      }
      for (const workload of workloads) {
        const settings = workload.env.DJANGO_SETTINGS_MODULE;
        for (const image of this.imagesOf(workload)) {
          if (buildShapeFindings(image).length > 0) continue;
          pairs.push([image, settings?.kind === "value" ? settings.value : undefined]);
        }
      }
      for (const [image, settingsModule] of pairs) await this.facts.gather(image, settingsModule);
    } catch (error) {
      this.facts.failed(error);
    }
  }

  private part<T>(key: string, compute: () => T): T {
    if (this.parts.has(key)) return this.parts.get(key) as T;
    const value = compute();
    this.parts.set(key, value);
    return value;
  }

  /** Every container the deployment runs, with its role. */
  get workloads(): readonly Workload[] {
    return this.part("workloads", () => this.resources.flatMap(workloadsOf));
  }

  withRole(role: WorkloadRole): Workload[] {
    return this.workloads.filter((w) => w.role === role);
  }

  /** The docker Image / RemoteImage resources a workload's image comes from. */
  imagesOf(workload: Workload): Resource[] {
    const images = this.part("images", () =>
      this.resources.filter((r) => r.type === DOCKER.image || r.type === DOCKER.remoteImage),
    );
    const byWorkload = this.part("imagesOf", () => new Map<Workload, Resource[]>());
    let found = byWorkload.get(workload);
    if (found === undefined) {
      found = imageResourcesOf(workload, images);
      byWorkload.set(workload, found);
    }
    return found;
  }

  /** The workloads that run each image. */
  get usersOfImages(): Map<Resource, Workload[]> {
    return this.part("usersOfImages", () => usersOfImages(this));
  }

  /** The application's local builds with their facts, and the parts that cannot be inspected. */
  get builds(): AppBuilds {
    return this.part("builds", () => appBuilds(this));
  }

  /** The app's (`default`) or the audit trail's database. */
  databases(alias: DatabaseAlias): StackDatabases {
    return this.part(`databases:${alias}`, () => databasesFor(this.resources, this.workloads, alias));
  }

  /** The long-running backup services, with their schedule, retention and the databases they reach. */
  get backups(): BackupService[] {
    return this.part("backups", () => backupServices(this.workloads));
  }

  /** What each workload that could run the application does at start, in order. */
  get plans(): StartPlan[] {
    return this.part("plans", () => applicationPlans(this));
  }

  /** Required settings a web or release workload starts without. */
  get unsuppliedSettings(): UnsuppliedSetting[] {
    return this.part("unsuppliedSettings", () => unsuppliedSettings(this));
  }

  /** The application server each web workload starts. */
  get webServers(): WebServers {
    return this.part("webServers", () => webServers(this));
  }

  /**
   * A workload's own start command (its entrypoints + command, or Azure command + args; not its
   * image's), read once by the one shell reader. Empty when the workload runs its image's command.
   */
  startCommandOf(workload: Workload): StartScript {
    const read = this.part("startCommands", () => new Map<Workload, StartScript>());
    let script = read.get(workload);
    if (script === undefined) {
      script = workload.argv.length === 0 ? NO_COMMAND : readStartCommand(workload.argv, this.shell);
      read.set(workload, script);
    }
    return script;
  }

  /** The bash parser start commands are read with (loaded before the rules run). */
  private get shell(): Parser {
    if (this.shellParser === undefined)
      throw new Error("the shell reader was not loaded for this deployment");
    return this.shellParser;
  }

  /** The facts of the image a workload runs, or why there are none. */
  factsOf(workload: Workload): WorkloadFacts {
    return workloadFacts(this, workload);
  }

  /** The facts of an image alone (Analyze), or the findings saying why they are unavailable. */
  imageFacts(image: Resource, topics: Parameters<typeof imageFacts>[2]): ImageFacts {
    return imageFacts(this, image, topics);
  }

  /** An env var of a workload, following an Azure secretRef to the secret it names in this stack. */
  resolvedEnv(workload: Workload, name: string): EnvValue | undefined {
    return resolvedEnv(workload, name, this.resources);
  }

  /** Whether `from` depends on `on`, directly or through other resources (dependsOn, inputs). */
  dependsOn(from: Resource, on: Resource): boolean {
    const byUrn = this.part("byUrn", () => new Map(this.resources.map((r) => [r.urn, r])));
    const seen = new Set<string>();
    const queue = [from.urn];
    while (queue.length > 0) {
      const urn = queue.pop() as string;
      if (seen.has(urn)) continue;
      seen.add(urn);
      const resource = byUrn.get(urn);
      if (!resource) continue;
      const next = [...resource.dependencies, ...Object.values(resource.propertyDependencies).flat()];
      for (const dep of next) {
        if (dep === on.urn) return true;
        queue.push(dep);
      }
    }
    return false;
  }
}

export type { AppBuilds, InspectedBuild } from "./app-builds";
export type { BackupService } from "./backups";
export type { DatabaseAlias, StackDatabases } from "./databases";
export type { StartPlan, PlannedStep } from "./start-plan";
export type { WebServer, WebServers } from "./web-servers";
export type { EnvValue, Workload, WorkloadRole } from "./workloads";
export type { InspectImage } from "./app-facts";
// How the model reads image references (one parser, in inspect/), for rules that judge them.
export {
  isDockerOfficialImage,
  MAX_REFERENCE_LENGTH,
  parseImageRef,
  type ImageRef,
} from "../inspect/image-reference";
