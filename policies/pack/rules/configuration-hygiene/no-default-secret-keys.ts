/**
 * CH-3: no SECRET_KEY / FIELD_ENCRYPTION_KEY default in the
 * runtime settings (a build-only module used for collectstatic is exempt), and the deployed values
 * come from secrets.
 *
 * Policies cannot see whether a value is secret: CrossGuard unwraps Pulumi secrets before a policy
 * sees the properties. So the deployment side is judged by what is visible: on Azure an env entry
 * must use `secretRef` (a Container Apps secret) rather than a plain `value`; on Docker a value
 * that is a well-known placeholder (Django's `django-insecure-` prefix, "changeme", ...) or too
 * short to be random fails. Values are never echoed.
 */
import type { SettingValue } from "../../inspect/facts";
import { inContext, violation, type Finding, type StackRule } from "../rule";
import { type InspectedBuild } from "../../deployment/app-builds";
import { runtimeModules } from "../../deployment/setting-values";
import { judgeBuilds } from "../rule";
import { envProperty, propertyOf, type Workload } from "../../deployment/workloads";
import { APP_BUILD_TYPES } from "../types";
import { unsuppliedFindings } from "../../deployment/unsupplied-settings";

export const noDefaultSecretKeys: StackRule = {
  id: "CH-3",
  policy: "no-default-secret-keys",
  category: "configuration-hygiene",
  severity: "critical",
  severityReason:
    "A key in the source lets anyone who reads it forge sessions and decrypt encrypted fields: a full compromise of every instance.",
  title: "Default SECRET_KEY or FIELD_ENCRYPTION_KEY",
  description:
    "No default SECRET_KEY or FIELD_ENCRYPTION_KEY in runtime settings; deployed values come from secrets.",
  impact: "Anyone with the source can forge sessions and decrypt encrypted fields.",
  fix: "Remove the defaults and read both with `require_env`; the deployment generates them as Pulumi secrets.",
  verify: "grep -rn 'SECRET_KEY *=' config/settings   # only require_env(...) reads",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    const deployed = deployment.workloads
      .filter((w) => w.role === "web" || w.role === "release")
      .flatMap(deployedKeys);
    const code = judgeBuilds(deployment, ["settings"], judgeCode);
    const keys: readonly string[] = SECRET_KEY_SETTINGS;
    const unsupplied = unsuppliedFindings(deployment, (name) => keys.includes(name));
    return code === "not-applicable" && deployed.length === 0
      ? code
      : [...(code === "not-applicable" ? [] : code), ...deployed, ...unsupplied];
  },
};

export const SECRET_KEY_SETTINGS = ["SECRET_KEY", "FIELD_ENCRYPTION_KEY"] as const;
const PLACEHOLDER =
  /^(django-insecure-|change-?me|changeme|secret|dev|test|insecure|placeholder|example|dummy|x+$)/i;
const MIN_LENGTH = 32;

function judgeCode({ facts }: InspectedBuild): Finding[] {
  const findings: Finding[] = [];
  for (const module of runtimeModules(facts)) {
    for (const [key, value] of [
      ["SECRET_KEY", module.secretKey],
      ["FIELD_ENCRYPTION_KEY", module.fieldEncryptionKey],
    ] as [string, SettingValue | null][]) {
      if (value === null) continue;
      if (value.kind === "literal" && value.literal !== null && value.literal !== "") {
        findings.push(
          violation(
            `${key} is written into the code of ${module.module}: anyone with the source can forge sessions or read ` +
              `encrypted data. Read it with require_env("${key}").`,
            inContext(facts, value.location),
          ),
        );
      } else if (
        value.env !== undefined &&
        !value.env.required &&
        value.env.defaultExpression !== null &&
        value.env.defaultLiteral !== null &&
        value.env.defaultLiteral !== ""
      ) {
        findings.push(
          violation(
            `${key} has a fallback value in ${module.module}: a deployment that forgets the variable runs with a key ` +
              `everyone knows. Remove the default and read it with require_env("${key}").`,
            inContext(facts, value.env.location),
          ),
        );
      }
    }
  }
  return findings;
}

function deployedKeys(w: Workload): Finding[] {
  const findings: Finding[] = [];
  for (const key of SECRET_KEY_SETTINGS) {
    const entry = w.env[key];
    if (entry === undefined || entry.kind === "unknown" || entry.kind === "secret-ref") continue;
    const property = propertyOf(w, envProperty(w));
    if (w.platform === "azure") {
      findings.push(
        violation(
          `"${w.resource.name}" sets ${key} as a plain value; store it as a Container Apps secret (or Key Vault reference) and use secretRef.`,
          { urn: w.resource.urn, property },
        ),
      );
    } else if (PLACEHOLDER.test(entry.value) || entry.value.length < MIN_LENGTH) {
      findings.push(
        violation(
          `"${w.resource.name}" is deployed with a ${key} that looks like a placeholder or is too short to be random; ` +
            "generate it (e.g. with @pulumi/random) and pass it as a Pulumi secret.",
          { urn: w.resource.urn, property },
        ),
      );
    }
  }
  return findings;
}
