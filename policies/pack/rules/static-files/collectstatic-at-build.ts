/**
 * SF-1: collectstatic runs in the Dockerfile (any stage whose files
 * reach the image), not when a container starts (the entrypoint, or a web/release container's
 * command).
 */
import { inContext, violation, type Finding, type StackRule } from "../rule";
import type { Deployment, InspectedBuild } from "../../deployment";
import { buildLocation, judgeBuilds } from "../rule";
import { propertyOf } from "../../deployment/workloads";
import { APP_BUILD_TYPES } from "../types";

export const collectstaticAtBuild: StackRule = {
  id: "SF-1",
  policy: "collectstatic-at-build",
  category: "static-files",
  severity: "medium",
  title: "collectstatic runs at start",
  description: "collectstatic runs at build time, not at start.",
  impact: "Slow starts, and a read-only filesystem makes start-up fail.",
  fix: "Run `python manage.py collectstatic --noinput --settings=<build settings>` in the Dockerfile.",
  verify: "docker run --rm <image> ls staticfiles   # populated",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment) =>
    judgeBuilds(deployment, ["dockerfile", "entrypoint"], (build) => judge(build, deployment)),
};

function judge(build: InspectedBuild, deployment: Deployment): Finding[] {
  const { facts } = build;
  const findings: Finding[] = [];
  for (const step of facts.entrypoint?.steps ?? []) {
    if (step.kind !== "collectstatic") continue;
    findings.push(
      violation(
        "collectstatic runs every time the container starts: start-up is slow and fails on a read-only filesystem. " +
          "Run it in the Dockerfile instead.",
        inContext(facts, step.location),
      ),
    );
  }
  for (const w of build.workloads) {
    if (deployment.startCommandOf(w).steps.some((step) => step.kind === "collectstatic")) {
      findings.push(
        violation(
          `"${w.resource.name}" runs collectstatic when it starts; run it in the Dockerfile instead.`,
          {
            urn: w.resource.urn,
            property: propertyOf(w, "command"),
          },
        ),
      );
    }
  }
  const atBuild = facts.dockerfile?.stages.some((stage) =>
    stage.runs.some((run) => run.manageCommands.includes("collectstatic")),
  );
  if (facts.dockerfile !== null && !atBuild) {
    findings.push(
      violation(
        "The Dockerfile never runs collectstatic, so the image has no collected static files. Add " +
          "`RUN python manage.py collectstatic --noinput --settings=<build settings>`.",
        buildLocation(build),
      ),
    );
  }
  return findings;
}
