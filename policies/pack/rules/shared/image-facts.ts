/**
 * Build-context facts for a docker Image resource, or the reason they are unavailable as
 * "could not verify" findings: a pulled RemoteImage, an Image without a local context (a pushed
 * reference), a context unknown during preview, or a reader that could not decide a topic.
 * A pulled Docker Official Image is no app build at all: the build-context checks do not apply.
 */
import type { BuildContextFacts, DockerStage, InspectTopic } from "../../inspect/facts";
import { at, isUnknown, OBJECT, str, STRING } from "../props";
import {
  inContext,
  NOT_APPLICABLE,
  unverifiable,
  type Finding,
  type Resource,
  type RuleContext,
  type RuleResult,
} from "../rule";
import { DOCKER } from "../types";
import { brokenInputs } from "./broken-input";
import { isDockerOfficialImage } from "./official-images";
import { misshapen } from "./shapes";

/** Without facts, `notes` is what the rule reports: why it could not verify, or not applicable. */
export type ImageFacts =
  { facts: BuildContextFacts; notes: Finding[] } | { facts: undefined; notes: RuleResult };

export async function imageFacts(
  image: Resource,
  ctx: RuleContext,
  topics: readonly InspectTopic[],
): Promise<ImageFacts> {
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
  const facts = await ctx.buildContext(image);
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

/**
 * A build whose context, Dockerfile path or target is set but unreadable: the build-context reader
 * would otherwise fall back to the default Dockerfile and judge a file the image is not built from.
 */
export function buildShapeFindings(image: Resource): Finding[] {
  if (image.type !== DOCKER.image) return [];
  const build = misshapen(image, { build: OBJECT });
  return build.length > 0
    ? build
    : misshapen(image, { "build.context": STRING, "build.dockerfile": STRING, "build.target": STRING });
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

/** A Dockerfile was expected but not found or not readable. */
export function noDockerfile(facts: BuildContextFacts, notes: Finding[]): Finding[] {
  return notes.length > 0
    ? notes
    : [unverifiable("the Dockerfile of this image could not be read.", { file: facts.context })];
}
