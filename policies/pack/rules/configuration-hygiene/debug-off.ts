/**
 * CH-4: DEBUG defaults to False in the runtime settings, and in production mode no
 * web or release container turns it on (its env, or the image's ENV when the env leaves it unset).
 */
import {
  codeAndDeployed,
  inContext,
  unverifiable,
  violation,
  type Finding,
  type RuleContext,
  type StackRule,
} from "../rule";
import { type InspectedBuild } from "../../deployment/app-builds";
import { runtimeModules } from "../../deployment/setting-values";
import { judgeBuilds } from "../rule";
import { truthy } from "../../deployment/setting-values";
import { settingTruth } from "../../deployment/setting-values";
import { imageEnv } from "../../deployment/web-servers";
import { envProperty, propertyOf, unknownEnv } from "../../deployment/workloads";
import { APP_BUILD_TYPES } from "../types";
import type { Deployment } from "../../deployment";

export const debugOff: StackRule = {
  id: "CH-4",
  policy: "debug-off",
  category: "configuration-hygiene",
  severity: "high",
  severityReason:
    "DEBUG in production shows settings, SQL and stack traces to every visitor, a direct disclosure of internals.",
  title: "DEBUG on or defaulting to True",
  description: "DEBUG defaults to False in code and is not enabled in production.",
  impact: "Stack traces with settings and SQL are shown to every visitor.",
  fix: "Default DEBUG to False and never set DEBUG=True in a production deployment.",
  verify: "python manage.py diffsettings | grep DEBUG   # DEBUG = False",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment, ctx) =>
    codeAndDeployed(
      judgeBuilds(deployment, ["settings"], (build) => [
        ...judgeCode(build),
        ...(ctx.mode === "production" ? imageDebug(build) : []),
      ]),
      deployedDebug(deployment, ctx),
    ),
};

function judgeCode({ facts }: InspectedBuild): Finding[] {
  const findings: Finding[] = [];
  for (const module of runtimeModules(facts)) {
    const debug = module.debug;
    if (debug === null) continue;
    // Only the code's own default is judged here; deployed values are judged on the resources.
    const inCode = settingTruth(debug);
    if (inCode === true) {
      findings.push(
        violation(
          `DEBUG is on by default in ${module.module}: error pages show settings and code to every visitor. Default it to False.`,
          inContext(facts, debug.env?.location ?? debug.location),
        ),
      );
    } else if (inCode === undefined && debug.env?.required !== true) {
      findings.push(
        unverifiable(
          `DEBUG in ${module.module} is computed in a way that cannot be read (${debug.expression})`,
          inContext(facts, debug.location),
        ),
      );
    }
  }
  return findings;
}

/** The image's own ENV DEBUG=True applies to every container that does not set DEBUG itself. */
function imageDebug({ facts, workloads: users }: InspectedBuild): Finding[] {
  const value = imageEnv(facts).DEBUG;
  if (value === undefined || truthy(value) !== true) return [];
  if (users.length > 0 && users.every((w) => w.env.DEBUG !== undefined)) return [];
  const stage = facts.dockerfile?.stages[facts.dockerfile.finalStageIndex];
  const env = stage?.env.find((e) => e.name === "DEBUG");
  return [
    violation(
      "The image turns DEBUG on (ENV DEBUG) and this production deployment does not turn it off.",
      inContext(
        facts,
        env?.location ?? stage?.location ?? { file: facts.dockerfile?.file ?? "Dockerfile", line: 1 },
      ),
    ),
  ];
}

function deployedDebug(deployment: Deployment, ctx: RuleContext): Finding[] {
  if (ctx.mode !== "production") return [];
  return deployment.workloads
    .filter((w) => w.role === "web" || w.role === "release")
    .flatMap((w) => {
      const unknown = unknownEnv(w, "DEBUG");
      if (unknown !== undefined) return [unknown];
      if (truthy(w.knownEnv.DEBUG) !== true) return [];
      return [
        violation(`"${w.resource.name}" runs with DEBUG turned on in a production deployment.`, {
          urn: w.resource.urn,
          property: propertyOf(w, envProperty(w)),
        }),
      ];
    });
}
