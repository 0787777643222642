/**
 * CS-6: a `COPY . .` (or any copy of the whole context) into the
 * image that runs does not bring tests, docs, CI files or local tooling along. Stages the final
 * stage builds on or copies from count too: what they copy can end up in the final image.
 */
import { inContext, violation, type Finding, type ResourceRule } from "../rule";
import { imageStages, noDockerfile } from "../../deployment/image-facts";
import { DOCKER } from "../types";

export const copyExcludesDevFiles: ResourceRule = {
  id: "CS-6",
  policy: "copy-excludes-dev-files",
  category: "container-security",
  severity: "low",
  title: "COPY brings development files into the image",
  description: "`COPY . .` does not bring tests, docs or local tooling into the image.",
  impact: "Larger images, and test settings or fixtures shipped to production.",
  fix: "Exclude tests/, docs/, .github/ and tooling in .dockerignore, or COPY only the application packages.",
  verify: "docker run --rm <image> ls   # no tests/ or docs/",
  scope: "resource",
  types: [DOCKER.image, DOCKER.remoteImage],
  check(resource, deployment) {
    const { facts, notes } = deployment.imageFacts(resource, ["dockerfile", "dockerignore", "context"]);
    if (!facts) return notes;
    if (!facts.dockerfile) return noDockerfile(facts, notes);
    const tooling = facts.dockerignore?.toolingSent ?? [];
    if (tooling.length === 0) return notes;
    const findings: Finding[] = [...notes];
    const files =
      tooling
        .slice(0, 6)
        .map((t) => t.path)
        .join(", ") + (tooling.length > 6 ? ` and ${tooling.length - 6} more` : "");
    for (const stage of imageStages(facts)) {
      for (const copy of stage.copies) {
        if (copy.from !== null || copy.fromHeredoc || !copy.copiesWholeContext) continue;
        findings.push(
          violation(
            `${copy.keyword} copies the whole build context into the image, including ${files}. Exclude them in .dockerignore or copy only the application.`,
            inContext(facts, copy.location),
          ),
        );
      }
    }
    return findings;
  },
};
