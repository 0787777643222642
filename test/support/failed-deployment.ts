/** A Docker instance deployed under mocks in a process of its own, for deployments that fail (test/fixtures/failed-job). */
import { spawnSync } from "child_process";
import * as path from "path";
import { FIXTURES_DIR, REPO_ROOT } from "./paths";

export interface FailedDeployment {
  containers: string[];
  errors: string[];
}

export interface FailedDeploymentOptions {
  /** Build the instance from a stack's config instead of args written in code. */
  fromConfig?: boolean;
  /** The one domain, passed as an Output. */
  outputDomain?: string;
}

/**
 * A deployment whose job `container` exits with code 1 ("none": no job fails), run in a process
 * of its own (test/fixtures/failed-job/deploy.ts): a failed gate rejects Outputs on purpose, and
 * that process reports them the way the Pulumi CLI's program host does, instead of failing jest.
 */
export function deployWithFailing(
  container: string,
  options: FailedDeploymentOptions = {},
): FailedDeployment {
  const extra = [
    options.fromConfig ? "config" : "code",
    ...(options.outputDomain ? [options.outputDomain] : []),
  ];
  const result = spawnSync(
    process.execPath,
    [
      "-r",
      "ts-node/register/transpile-only",
      path.join(FIXTURES_DIR, "failed-job", "deploy.ts"),
      container,
      ...extra,
    ],
    { cwd: REPO_ROOT, encoding: "utf8", timeout: 90_000 },
  );
  const line = result.stdout.split("\n").find((l) => l.startsWith("{"));
  if (line === undefined) throw new Error(`deploy.ts printed no result:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(line) as FailedDeployment;
}
