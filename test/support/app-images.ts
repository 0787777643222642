/** Docker Image resources over the shared app contexts, for rule tests. */
import * as path from "path";
import { DOCKER } from "../../policies/pack/rules/types";
import { REPO_ROOT, FIXTURES_DIR } from "./paths";
import { resource } from "./resources";
import type { Finding, RuleResult } from "../../policies/pack/rules/rule";

export const BAD_APP = path.join(FIXTURES_DIR, "apps", "bad-app");
export const SAMPLE_APP = path.join(REPO_ROOT, "stacks", "sample-app");

export function builtImage(contextDir: string, name = "app-image") {
  return resource(DOCKER.image, name, { imageName: `${name}:1`, build: { context: contextDir } });
}

/** `file:line` of every violation, relative to `root`. */
export function violationsAt(result: RuleResult, root: string): string[] {
  if (result === "not-applicable") return [];
  return result
    .filter((f: Finding) => f.kind === "violation")
    .map(
      (f) => `${path.relative(root, f.location?.file ?? "")}${f.location?.line ? `:${f.location.line}` : ""}`,
    );
}

export function kinds(result: RuleResult): string[] | "not-applicable" {
  return result === "not-applicable" ? result : result.map((f) => f.kind);
}
