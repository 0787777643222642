/**
 * The app facts of a deployment: for each (image, settings module) pair the model asks about, what
 * inspectBuildContext found in the image's local build context. Gathered before any rule runs, so
 * rules read facts and never drive inspection.
 */
import { noteContextRoot } from "../context-paths";
import * as path from "path";
import type { BuildContextFacts, InspectRequest } from "../inspect/facts";
import { str } from "../rules/props";
import type { Resource } from "../rules/rule";
import { DOCKER } from "../rules/types";

/** Reads one image's build context, as the DJANGO_SETTINGS_MODULE `settingsModule` runs it. */
export type InspectImage = (
  image: Resource,
  settingsModule?: string,
) => Promise<BuildContextFacts | undefined>;

/** Facts of a docker Image's local build context; undefined for pushed or remote images. */
export async function inspectImage(
  image: Resource,
  settingsModule?: string,
): Promise<BuildContextFacts | undefined> {
  const request = buildRequest(image, settingsModule);
  if (request === undefined) return undefined;
  // Loaded on first use: pack start-up (GetAnalyzerInfo) must not pay for parsers.
  const { inspectBuildContext } = await import("../inspect/index");
  // Findings leave the pack relative to this context (context-paths.ts).
  noteContextRoot(request.context);
  return inspectBuildContext(request);
}

/**
 * The same inspection over build contexts held in memory (context directory -> path -> text),
 * read by the same code as a context on disk: for tests that write the Dockerfile and settings
 * inline, and for anything else that has the files but no directory.
 */
export function inspectInMemory(contexts: ReadonlyMap<string, ReadonlyMap<string, string>>): InspectImage {
  return async (image, settingsModule) => {
    const request = buildRequest(image, settingsModule);
    if (request === undefined) return undefined;
    const files = contexts.get(request.context);
    if (files === undefined) throw new Error(`no build context ${request.context} is held in memory`);
    const { inspectContextFiles, memoryContext } = await import("../inspect/index");
    return inspectContextFiles(memoryContext(Object.fromEntries(files)), request);
  };
}

/** What to inspect for a docker Image built from a local context: the context, Dockerfile, target. */
function buildRequest(image: Resource, settingsModule: string | undefined): InspectRequest | undefined {
  if (image.type !== DOCKER.image) return undefined;
  const context = str(image.props, "build.context");
  if (context === undefined) return undefined;
  const dockerfile = str(image.props, "build.dockerfile");
  return {
    context: path.resolve(context),
    dockerfile: dockerfile === undefined ? undefined : path.resolve(context, dockerfile),
    target: str(image.props, "build.target"),
    settingsModule,
  };
}

type Gathered = { facts: BuildContextFacts | undefined } | { error: unknown };

export class AppFacts {
  private readonly gathered = new Map<string, Gathered>();
  /** What stopped the pairs from being listed (an unknown value read through the engine's proxy). */
  private failure: { error: unknown } | undefined;

  constructor(private readonly inspect: InspectImage) {}

  /** Inspects the pair once; a failure is kept and thrown to the rule that asks for these facts. */
  async gather(image: Resource, settingsModule: string | undefined): Promise<void> {
    const key = pairKey(image, settingsModule);
    if (this.gathered.has(key)) return;
    try {
      this.gathered.set(key, { facts: await this.inspect(image, settingsModule) });
    } catch (error) {
      this.gathered.set(key, { error });
    }
  }

  failed(error: unknown): void {
    this.failure ??= { error };
  }

  /** The facts of a pair gathered before the rules ran; undefined when the image has no local context. */
  of(image: Resource, settingsModule?: string): BuildContextFacts | undefined {
    if (this.failure !== undefined) throw this.failure.error;
    const found = this.gathered.get(pairKey(image, settingsModule));
    if (found === undefined) {
      throw new Error(
        `the facts of ${image.name} (${settingsModule ?? "default settings"}) were not gathered`,
      );
    }
    if ("error" in found) throw found.error;
    return found.facts;
  }
}

function pairKey(image: Resource, settingsModule: string | undefined): string {
  return JSON.stringify([image.urn, settingsModule ?? null]);
}
