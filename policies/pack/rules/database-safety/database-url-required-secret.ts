/**
 * DB-1: DATABASE_URL is required and supplied as a secret, with no fallback anywhere: not in the
 * settings (`env("X", default=...)`, `dj_database_url.config(default=...)`), not in a start script
 * (`${X:-postgres://...}`). DB-2 (audit-database-url-required-secret.ts) judges AUDIT_DATABASE_URL
 * with the same judgement, kept here.
 *
 * "Supplied as a secret" is judged on what a policy can see. CrossGuard unwraps Pulumi secrets
 * before policies run, so whether a docker `envs` entry is a Pulumi secret is invisible here; on
 * Azure the variable must come from a `secretRef` (a Container Apps secret or Key Vault
 * reference), never a plain `value` that shows in the portal and the template.
 */
import type { Deployment } from "../../deployment";
import { isDjangoContext } from "../../deployment/app-builds";
import { envProperty, misshapenAt, propertyOf, unknownEnv, type Workload } from "../../deployment/workloads";
import type { BuildContextFacts } from "../../inspect/facts";
import { inContext, NOT_APPLICABLE, unverifiable, violation } from "../rule";
import type { Finding, RuleResult, StackRule } from "../rule";
import { APP_BUILD_TYPES } from "../types";

export const databaseUrlRequiredSecret: StackRule = {
  id: "DB-1",
  policy: "database-url-required-secret",
  category: "database-safety",
  severity: "high",
  severityReason:
    "A fallback silently connects production to a default database (data written where nobody backs it up), and a literal password leaks into state and logs.",
  title: "DATABASE_URL optional or not secret",
  description: "DATABASE_URL is required (no fallback default) and supplied as a secret.",
  impact:
    "A missing variable silently connects to a default database, or the password leaks into state and logs.",
  fix: 'Read it with `require_env("DATABASE_URL")` and supply it from a Pulumi secret.',
  verify: "env -u DATABASE_URL python manage.py check   # fails naming DATABASE_URL",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment) => judgeDatabaseUrl("DATABASE_URL", deployment),
};

/** DB-1 for DATABASE_URL, DB-2 for AUDIT_DATABASE_URL. */
export function judgeDatabaseUrl(variable: string, deployment: Deployment): RuleResult {
  const apps = deployment.workloads.filter((w) => w.role === "web" || w.role === "release");
  if (apps.length === 0) return NOT_APPLICABLE;
  const findings: Finding[] = [];
  const judged = new Set<string>();
  let settingsRead = false;
  const missing: Workload[] = [];

  for (const app of apps) {
    const value = app.env[variable];
    const unreadableEnv = misshapenAt(app, envProperty(app));
    const unknown = value === undefined ? unknownEnv(app, variable) : undefined;
    if (value === undefined && unreadableEnv.length > 0) findings.push(...unreadableEnv);
    else if (unknown !== undefined) findings.push(unknown);
    else if (value === undefined) missing.push(app);
    else if (value.kind === "value" && app.platform === "azure") {
      findings.push(
        violation(
          `${app.resource.name} gives ${variable} as a plain value, visible to anyone who can read the app's configuration. Store it as a Container Apps secret (or Key Vault reference) and use secretRef.`,
          { urn: app.resource.urn, property: propertyOf(app, "env") },
        ),
      );
    }
    if (app.fallbacks.has(variable)) {
      findings.push(
        violation(
          `The start command of ${app.resource.name} falls back to a default when ${variable} is missing, so a missing setting silently connects to the wrong database. Remove the default.`,
          { urn: app.resource.urn, property: propertyOf(app, "command") },
        ),
      );
    }
    if (app.envDefaults.has(variable)) {
      findings.push(
        violation(
          `The compose file gives ${variable} a default (\${${variable}:-...}) that ${app.resource.name} uses whenever the deployment does not set it, so a missing setting silently connects to the wrong database (with a password written in the file). Use \${${variable}:?${variable} is required} instead.`,
          { urn: app.resource.urn, property: "envs" },
        ),
      );
    }
    const found = deployment.factsOf(app);
    if ("reason" in found) continue;
    // Settings are Django's: a Flask app's variable is judged on its containers only.
    if (!isDjangoContext(found.facts)) {
      judged.add(found.facts.context);
      continue;
    }
    const key = `${found.facts.context}|${found.facts.settings.runtimeModule ?? ""}`;
    if (judged.has(key)) continue;
    judged.add(key);
    const fromSettings = settingsFindings(variable, found.facts);
    settingsRead ||= fromSettings.reads;
    findings.push(...fromSettings.findings, ...entrypointFallbacks(found.facts, variable));
  }
  if (missing.length === apps.length && !settingsRead) return findings.length > 0 ? findings : NOT_APPLICABLE;
  for (const app of missing) {
    findings.push(
      violation(
        `${app.resource.name} does not set ${variable}, so the app cannot reach its database (or uses a built-in default). Supply it from a secret.`,
        { urn: app.resource.urn, property: propertyOf(app, envProperty(app)) },
      ),
    );
  }
  if (judged.size === 0 && findings.length === 0) {
    findings.push(
      unverifiable(
        `the settings that read ${variable} could not be read because no application image is built from a local context.`,
      ),
    );
  }
  return findings;
}

function settingsFindings(
  variable: string,
  facts: BuildContextFacts,
): { reads: boolean; findings: Finding[] } {
  const module = facts.settings.modules.find((m) => m.module === facts.settings.runtimeModule);
  if (!module) {
    const reason =
      facts.unverifiable.find((u) => u.topic === "settings")?.reason ??
      "the settings module the app runs with was not found in the build context";
    return { reads: false, findings: [unverifiable(reason, { file: facts.context })] };
  }
  const findings: Finding[] = [];
  const reads = module.envReads.filter((r) => r.name === variable);
  for (const read of reads) {
    if (!read.required) {
      findings.push(
        violation(
          `Settings read ${variable} with a fallback${read.defaultExpression !== null ? " default" : ""} (${read.via}), so a missing variable is not an error. Read it with a required helper such as require_env("${variable}").`,
          inContext(facts, read.location),
        ),
      );
    }
  }
  const flagged = new Set(findings.map((f) => f.location?.line));
  for (const alias of module.databases) {
    if (
      alias.urlDefault !== null &&
      alias.env.some((e) => e.name === variable) &&
      !flagged.has(alias.location.line)
    ) {
      findings.push(
        violation(
          `The "${alias.alias}" database falls back to a default URL when ${variable} is missing. Remove the default.`,
          inContext(facts, alias.location),
        ),
      );
    }
  }
  return {
    reads: reads.length > 0 || module.databases.some((a) => a.env.some((e) => e.name === variable)),
    findings,
  };
}

/** `${VAR:-...}` fallbacks in the image's entrypoint script, with file:line. */
function entrypointFallbacks(facts: BuildContextFacts, variable: string): Finding[] {
  const entrypoint = facts.entrypoint;
  if (!entrypoint?.file) return [];
  return entrypoint.fallbacks
    .filter((fallback) => fallback.variable === variable)
    .map((fallback) =>
      violation(
        `The entrypoint falls back to a default when ${variable} is missing. Remove the default so a missing setting stops the start.`,
        inContext(facts, fallback.location),
      ),
    );
}
