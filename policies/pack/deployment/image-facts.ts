/**
 * Build-context facts for a docker Image resource, or the reason they are unavailable as
 * "could not verify" findings: a pulled RemoteImage, an Image without a local context (a pushed
 * reference), a context unknown during preview, or a reader that could not decide a topic.
 * A pulled Docker Official Image is no app build at all: the build-context checks do not apply.
 */
import type { BuildContextFacts, DockerStage, InspectTopic } from "../inspect/facts";
import { isDockerOfficialImage } from "../inspect/image-reference";
import { at, isUnknown, str } from "../rules/props";
import { brokenInputs, inContext, NOT_APPLICABLE, unreadableInputs, unverifiable } from "../rules/rule";
import type { Finding, Resource, RuleResult } from "../rules/rule";
import { DOCKER } from "../rules/types";
import { buildShapeFindings } from "./app-builds";
import type { Deployment } from "./index";
import type { Workload } from "./workloads";

/** Without facts, `notes` is what the rule reports: why it could not verify, or not applicable. */
export type ImageFacts =
  { facts: BuildContextFacts; notes: Finding[] } | { facts: undefined; notes: RuleResult };

export function imageFacts(
  deployment: Deployment,
  image: Resource,
  topics: readonly InspectTopic[],
): ImageFacts {
  if (image.type === DOCKER.remoteImage) {
    if (isDockerOfficialImage(str(image.props, "name"))) return { facts: undefined, notes: NOT_APPLICABLE };
    return {
      facts: undefined,
      notes: [
        unverifiable(
          `${image.name} is a ready-made image pulled from a registry; its Dockerfile is not part of this deployment.`,
          { property: "name" },
        ),
      ],
    };
  }
  const odd = buildShapeFindings(image);
  if (odd.length > 0) return { facts: undefined, notes: odd };
  if (isUnknown(at(image.props, "build.context"))) {
    return {
      facts: undefined,
      notes: [
        unverifiable(`the build context of ${image.name} is not known until the deployment runs.`, {
          property: "build.context",
        }),
      ],
    };
  }
  const facts = deployment.facts.of(image);
  if (!facts) {
    return {
      facts: undefined,
      notes: [
        unverifiable(
          `${image.name} is not built from a local build context (it refers to an image built elsewhere), so its Dockerfile cannot be read.`,
          { property: "build" },
        ),
      ],
    };
  }
  const unreadable = unreadableInputs(facts, topics);
  if (unreadable.length > 0) return { facts: undefined, notes: unreadable };
  const notes = [
    ...brokenInputs(facts, topics),
    ...facts.unverifiable
      .filter((u) => topics.includes(u.topic))
      .map((u) =>
        unverifiable(u.reason, u.location ? inContext(facts, u.location) : { file: facts.context }),
      ),
  ];
  return { facts, notes };
}

/** The image's build-context facts for a workload, or a reason they are unavailable. */
export type WorkloadFacts = { facts: BuildContextFacts } | { reason: string };

export function workloadFacts(deployment: Deployment, workload: Workload): WorkloadFacts {
  const images = deployment.imagesOf(workload);
  const settings = workload.env.DJANGO_SETTINGS_MODULE;
  const settingsModule = settings?.kind === "value" ? settings.value : undefined;
  for (const image of images) {
    // An unreadable build setting would make the reader judge the default Dockerfile instead.
    if (buildShapeFindings(image).length > 0) continue;
    const facts = deployment.facts.of(image, settingsModule);
    if (facts) return { facts };
  }
  return {
    reason:
      images.length === 0
        ? "its image is not built in this stack, so the image's own start command cannot be read"
        : "its image is not built from a local build context, so the image's own start command cannot be read",
  };
}

/** The stage that runs, or undefined when the Dockerfile has none. */
export function runningStage(facts: BuildContextFacts): DockerStage | undefined {
  const dockerfile = facts.dockerfile;
  if (!dockerfile || dockerfile.finalStageIndex < 0) return undefined;
  return dockerfile.stages[dockerfile.finalStageIndex];
}

/** The running stage and the stages it builds on (`FROM <alias>`), running stage first. */
export function stageChain(facts: BuildContextFacts): DockerStage[] {
  const chain: DockerStage[] = [];
  let stage = runningStage(facts);
  while (stage && !chain.includes(stage)) {
    chain.push(stage);
    stage = stage.parentStage === null ? undefined : facts.dockerfile?.stages[stage.parentStage];
  }
  return chain;
}

/**
 * The stages the image is built from: the running stage, the stages it builds on, and the stages
 * it copies files from (`COPY --from=<stage>`), with theirs; with `mounts`, also the stages a RUN
 * mounts (`--mount=from=<stage>`), which BuildKit builds too but which put no file in the image.
 * Stages nothing reaches are not built for this image.
 */
export function imageStages(facts: BuildContextFacts, { mounts = false } = {}): DockerStage[] {
  const stages = facts.dockerfile?.stages ?? [];
  const named = (from: string) =>
    stages.find((s) => s.alias === from.toLowerCase() || String(s.index) === from);
  const result: DockerStage[] = [];
  const queue = stageChain(facts);
  while (queue.length > 0) {
    const stage = queue.shift() as DockerStage;
    if (result.includes(stage)) continue;
    result.push(stage);
    const sources = stage.copies.flatMap((copy) => (copy.from === null ? [] : [copy.from]));
    if (mounts) {
      for (const run of stage.runs)
        for (const mount of run.mounts) sources.push(...(/(?:^|,)from=([^,]+)/.exec(mount)?.slice(1) ?? []));
    }
    for (const source of sources.map(named)) {
      let next = source;
      while (next && !queue.includes(next) && !result.includes(next)) {
        queue.push(next);
        next = next.parentStage === null ? undefined : stages[next.parentStage];
      }
    }
  }
  return result;
}

/** A Dockerfile was expected but not found or not readable. */
export function noDockerfile(facts: BuildContextFacts, notes: Finding[]): Finding[] {
  return notes.length > 0
    ? notes
    : [unverifiable("the Dockerfile of this image could not be read.", { file: facts.context })];
}
