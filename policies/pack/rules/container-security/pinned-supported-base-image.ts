/**
 * CS-3: every base image names a tag that is not `latest`
 * (a digest is better), and a Python or PostgreSQL runtime is not past its end of life on the
 * day of the check (dates in eol.ts).
 */
import { readProperty, str, type Shape } from "../props";
import { inContext, NOT_APPLICABLE, unverifiable, violation } from "../rule";
import type { Finding, Location, ResourceRule } from "../rule";
import { noDockerfile } from "../../deployment/image-facts";
import { MAX_REFERENCE_LENGTH, parseImageRef, type ImageRef } from "../../deployment";
import { DOCKER } from "../types";
import { endOfLife, runtimeOfImage } from "./eol";

/** A string short enough to be an image reference; what it names is parseImageRef's to judge. */
const IMAGE_REFERENCE: Shape = {
  label: `an image reference of at most ${MAX_REFERENCE_LENGTH} characters`,
  accepts: (v) => typeof v === "string" && v.length <= MAX_REFERENCE_LENGTH,
};

export const pinnedSupportedBaseImage: ResourceRule = {
  id: "CS-3",
  policy: "pinned-supported-base-image",
  category: "container-security",
  severity: "medium",
  title: "Base image unpinned or past end of life",
  description:
    "Base images are pinned (a tag, not latest; a digest is better) and their runtime is supported.",
  impact: "Builds change under you, and an end-of-life runtime stops receiving security fixes.",
  fix: "Pin a supported version, e.g. `FROM python:3.12.8-slim-bookworm` (or `@sha256:...`), and bump it on a schedule.",
  verify: "grep -n '^FROM' Dockerfile   # every image has an explicit, supported version",
  related: ["DL3006", "DL3007"],
  scope: "resource",
  types: [DOCKER.image, DOCKER.remoteImage, DOCKER.container],
  check(resource, deployment, { today }) {
    if (resource.type === DOCKER.remoteImage) {
      const read = readProperty(resource, "name", {
        unknown: `the image name of ${resource.name} is not known until the deployment runs.`,
        shape: IMAGE_REFERENCE,
      });
      if ("finding" in read) return [read.finding];
      const ref = parseImageRef(str(read.value));
      return ref ? judge(ref, `Image ${ref.name}`, { property: "name" }, today) : [];
    }
    if (resource.type === DOCKER.container) {
      // Only runtime images are judged here: an app image built by the stack is judged on its Image.
      const ref = parseImageRef(str(resource.props, "image"));
      if (!ref || !runtimeOfImage(ref.name, ref.tag ?? "x")) return NOT_APPLICABLE;
      return judge(ref, `Container ${resource.name} runs ${ref.name}, which`, { property: "image" }, today);
    }
    const { facts, notes } = deployment.imageFacts(resource, ["dockerfile", "context"]);
    if (!facts) return notes;
    if (!facts.dockerfile) return noDockerfile(facts, notes);
    const findings: Finding[] = [...notes];
    for (const stage of facts.dockerfile.stages) {
      if (stage.from.kind !== "image") continue;
      const where = inContext(facts, stage.location);
      if (stage.from.hasUnresolvedVariable) {
        findings.push(
          unverifiable(
            `the base image \`${stage.from.raw}\` depends on a build variable without a default.`,
            where,
          ),
        );
        continue;
      }
      findings.push(
        ...judge(
          { name: stage.from.name, tag: stage.from.tag, digest: stage.from.digest },
          `Base image ${stage.from.name}`,
          where,
          today,
        ),
      );
    }
    return findings;
  },
};

function judge(ref: ImageRef, subject: string, where: Location, today: Date): Finding[] {
  const findings: Finding[] = [];
  if (ref.digest === null && (ref.tag === null || ref.tag === "latest")) {
    findings.push(
      violation(
        `${subject} is not pinned (${ref.tag === null ? "no tag, so Docker uses latest" : "tag latest"}): every build may get a different version. Pin a version tag such as python:3.12-slim-bookworm, or a digest.`,
        where,
      ),
    );
    return findings;
  }
  const runtime = runtimeOfImage(ref.name, ref.tag);
  const eol = runtime && endOfLife(runtime.runtime, runtime.major, today);
  if (eol?.passed) {
    const label = runtime?.runtime === "python" ? "Python" : "PostgreSQL";
    findings.push(
      violation(
        `${subject} uses ${label} ${eol.major}, which reached end of life on ${eol.date} and no longer gets security fixes. Move to a supported version.`,
        where,
      ),
    );
  }
  return findings;
}
