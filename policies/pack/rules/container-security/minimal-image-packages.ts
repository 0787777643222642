/**
 * CS-4: in the stage that runs, apt installs use
 * `--no-install-recommends` and clean the package lists in the same RUN, no compiler toolchain is
 * installed, and no test/dev requirements (pytest & co.) are installed.
 */
import { inContext, violation, type Finding, type ResourceRule } from "../rule";
import { noDockerfile, stageChain } from "../../deployment/image-facts";
import { DOCKER } from "../types";

export const minimalImagePackages: ResourceRule = {
  id: "CS-4",
  policy: "minimal-image-packages",
  category: "container-security",
  severity: "low",
  title: "Unnecessary packages in the image",
  description:
    "apt uses --no-install-recommends and cleans lists; no compilers or test tools in the final stage.",
  impact: "A larger attack surface and image, and more CVEs to patch.",
  fix: "Build wheels in a builder stage; in the final stage install with `--no-install-recommends` and `rm -rf /var/lib/apt/lists/*`; keep pytest & co. in requirements-dev.txt.",
  verify: "docker run --rm <image> sh -c 'command -v gcc; pip show pytest'   # prints nothing",
  related: ["DL3009", "DL3015"],
  scope: "resource",
  types: [DOCKER.image, DOCKER.remoteImage],
  check(resource, deployment) {
    const { facts, notes } = deployment.imageFacts(resource, ["dockerfile", "requirements", "context"]);
    if (!facts) return notes;
    if (!facts.dockerfile) return noDockerfile(facts, notes);
    const findings: Finding[] = [...notes];
    for (const stage of stageChain(facts)) {
      for (const install of stage.runs.flatMap((r) => r.packageInstalls)) {
        const where = inContext(facts, install.location);
        if (!install.noInstallRecommends) {
          findings.push(
            violation(
              `${install.manager} install also pulls in "recommended" extra packages. Add --no-install-recommends.`,
              where,
            ),
          );
        }
        if (!install.cleansCache) {
          findings.push(
            violation(
              `${install.manager} leaves its package lists in the image. Add \`&& rm -rf /var/lib/apt/lists/*\` to the same RUN${install.manager === "apk" ? " (or use apk add --no-cache)" : ""}.`,
              where,
            ),
          );
        }
      }
      for (const compiler of stage.compilers) {
        findings.push(
          violation(
            `The final image installs the build tool ${compiler.name}. Compile in a separate builder stage and copy only the results.`,
            inContext(facts, compiler.location),
          ),
        );
      }
    }
    for (const dev of facts.requirements.devPackagesInstalled) {
      findings.push(
        violation(
          `The final image installs the development/test package ${dev.name}. Keep it in a dev-only requirements file.`,
          inContext(facts, dev.location),
        ),
      );
    }
    return findings;
  },
};
