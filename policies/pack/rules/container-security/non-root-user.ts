/**
 * CS-1: the final stage's last USER is not root (`root`, `0`, `root:*`,
 * `0:*`), a Dockerfile without USER fails (root is the default), and no container overrides
 * its user to root. It also owns the build: a Dockerfile BuildKit rejects or a COPY source
 * missing from the context fails here, once; the other items reading that Dockerfile say they
 * could not judge it (rules/rule.ts unreadableInputs).
 */
import { readProperty, STRING, str } from "../props";
import { inContext, NOT_APPLICABLE, unverifiable, violation, type Finding, type ResourceRule } from "../rule";
import { noDockerfile, runningStage } from "../../deployment/image-facts";
import { DOCKER } from "../types";

export function isRootUser(user: string): boolean {
  const name = user.trim().split(":")[0];
  return name === "root" || name === "0";
}

export const nonRootUser: ResourceRule = {
  id: "CS-1",
  policy: "non-root-user",
  category: "container-security",
  severity: "high",
  severityReason:
    "A root app process turns any code-execution bug into control of the whole container and everything mounted into it.",
  title: "Container runs as root",
  description: "The final stage's last USER is not root, and no container overrides the user to root.",
  impact: "A compromised app process owns the whole container and anything mounted into it.",
  fix: "Create an unprivileged user in the final stage (`RUN useradd --uid 10001 app`) and end with `USER 10001`; do not override `user` to root on the container.",
  verify: "docker run --rm <image> id -u   # prints a non-zero uid",
  related: ["DL3002"],
  scope: "resource",
  types: [DOCKER.image, DOCKER.remoteImage, DOCKER.container],
  check(resource, deployment) {
    if (resource.type === DOCKER.container) {
      const read = readProperty(resource, "user", {
        unknown: `the user of ${resource.name} is not known until the deployment runs.`,
        shape: STRING,
      });
      if ("finding" in read) return [read.finding];
      const user = str(read.value);
      if (user === undefined) return NOT_APPLICABLE;
      return isRootUser(user)
        ? [
            violation(
              `Container ${resource.name} is set to run as root (its "user" setting). Remove the override or use an unprivileged user id.`,
              { property: "user" },
            ),
          ]
        : [];
    }
    // CS-1 owns the build: a Dockerfile BuildKit rejects fails here, once (the other items say so).
    const { facts, notes } = deployment.imageFacts(resource, ["build", "dockerfile", "context"]);
    if (!facts) return notes;
    const stage = runningStage(facts);
    if (!stage || !facts.dockerfile) return noDockerfile(facts, notes);
    const findings: Finding[] = [...notes];
    const user = stage.effectiveUser;
    if (user === null) {
      findings.push(
        violation(
          `The Dockerfile never switches to an unprivileged user, so the app runs as root. Add \`USER <uid>\` at the end of the final stage.`,
          inContext(facts, stage.location),
        ),
      );
    } else if (/\$/.test(user.value)) {
      findings.push(
        unverifiable(
          `the final USER depends on a build variable (${user.raw}) whose value is not known.`,
          inContext(facts, user.location),
        ),
      );
    } else if (isRootUser(user.value)) {
      findings.push(
        violation(
          `The last USER of the final stage is root, so the app runs as root. End with an unprivileged user.`,
          inContext(facts, user.location),
        ),
      );
    }
    return findings;
  },
};
