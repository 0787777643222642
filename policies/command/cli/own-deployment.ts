/**
 * `check --context DIR` / `--compose FILE`: judge the app's own deployment (its compose files,
 * start script and platform files, found from the repository root), and with `--compare` put its
 * verdict beside the verdict of the same app wrapped in the bundled components.
 */
import * as path from "path";
import { buildReport, type ReliabilityReport } from "../report";
import { checkOwnDeployment, ownDeploymentResources } from "../app-deployment/check";
import { contextDirectory, discoverRepository } from "../offline/app-context";
import type { Mode } from "../offline/check";
import type { PolicyPackConfig } from "../offline/policy-pack-config";
import { UsageError } from "../offline/usage-error";
import type { Terminal } from "./terminal";

export interface OwnDeploymentFlags {
  context?: string;
  compose: string[];
  withComponents?: boolean;
  compare?: boolean;
  mode?: Mode;
  policyPack: string[];
}

export const OWN_DEPLOYMENT_HELP = `
What is judged:
  --context DIR           the app's own deployment when DIR has one, found from the repository root:
                          the compose files a production run merges (compose.yaml + compose.override.yaml,
                          or the base file + a *.prod*/*.production* file), the Dockerfile and the stage
                          it builds, the start script (ENTRYPOINT/CMD, compose command), platform files
                          (railway.json/toml, Procfile, heroku.yml, fly.toml, render.yaml: the release
                          command counts as the release) and the settings module production uses.
                          Without compose or platform files, the app wrapped in the bundled components.
  --compose FILE          name the compose files (repeatable, merged in order like docker compose -f)
  --with-components       judge the app wrapped in the bundled components instead
  --compare               both: "As deployed today: No; with agency-deploy: With Fixes"
The report starts with a "Judged:" line naming the files and the settings module.`;

/** The repository root to discover from: --context, else the first --compose file's folder. */
function rootOf(flags: OwnDeploymentFlags): string | undefined {
  if (flags.context !== undefined) return contextDirectory(flags.context);
  if (flags.compose.length > 0) return path.dirname(path.resolve(flags.compose[0]));
  return undefined;
}

/** Whether this check judges the app's own deployment (false: the components, as before). */
export function judgesOwnDeployment(flags: OwnDeploymentFlags): boolean {
  if (flags.withComponents && !flags.compare) {
    if (flags.compose.length > 0)
      throw new UsageError("--compose and --with-components exclude each other (use --compare for both)");
    return false;
  }
  const root = rootOf(flags);
  if (root === undefined) {
    if (flags.compare) throw new UsageError("--compare needs --context DIR or --compose FILE");
    return false;
  }
  return ownDeploymentResources(discoverRepository(root, flags.compose)) !== null || flags.compose.length > 0;
}

/** The report of the app's own deployment; with --compare, headed by both verdicts. */
export async function ownDeploymentReport(
  flags: OwnDeploymentFlags,
  terminal: Terminal,
  packs: string[],
  run: { date: Date | undefined; policyConfig: PolicyPackConfig | undefined },
  withComponents: () => Promise<ReliabilityReport>,
): Promise<ReliabilityReport> {
  const root = rootOf(flags) as string;
  const mode: Mode = flags.mode ?? "production";
  const check = await checkOwnDeployment({
    root,
    compose: flags.compose.length > 0 ? flags.compose : undefined,
    policyPacks: packs,
    policyConfig: run.policyConfig,
    mode,
    onProgress: (message) => terminal.progress(message),
  });
  const judged = [...check.judged];
  let report = buildReport(check.events, {
    stack: check.stack,
    project: check.project,
    mode,
    sourceRoot: root,
    date: run.date,
    judged,
  });
  terminal.progress(
    `own deployment: Deployment Reliable: ${report.verdict} (${(check.durationMs / 1000).toFixed(1)} s)`,
  );
  if (flags.compare) {
    const wrapped = await withComponents();
    report = {
      ...report,
      judged: [...judged, `As deployed today: ${report.verdict}; with agency-deploy: ${wrapped.verdict}`],
    };
  }
  return report;
}
