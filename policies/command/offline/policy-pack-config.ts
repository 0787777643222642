/**
 * `--policy-pack-config FILE`, as `pulumi preview --policy-pack-config` reads it: a JSON object
 * of policy name -> an enforcement level, or an object with an optional `enforcementLevel` and
 * the policy's own properties; `all` sets every policy's level. The exemptions it lists are
 * validated here, before any stack runs, so a bad entry is named by file, policy and index.
 */
import * as fs from "fs";
import { CHECKLIST } from "../../pack/checklist";
import { ExemptionConfigError, parseExemptions } from "../../pack/exemptions";
import type { EnforcementLevel } from "./analyzer";
import { UsageError } from "./usage-error";

export interface PolicyPackConfig {
  all?: EnforcementLevel;
  policies: Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }>;
}

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function level(value: unknown, where: string): EnforcementLevel {
  if (typeof value !== "string" || !LEVELS.includes(value)) {
    throw new UsageError(`${where} must be one of ${LEVELS.join(", ")}`);
  }
  return value as EnforcementLevel;
}

export function parsePolicyPackConfig(text: string, file: string): PolicyPackConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--policy-pack-config ${file} is not JSON: ${(e as Error).message}`);
  }
  if (!isRecord(doc)) throw new UsageError(`--policy-pack-config ${file} must be a JSON object`);
  const config: PolicyPackConfig = { policies: {} };
  for (const [name, value] of Object.entries(doc)) {
    const where = `--policy-pack-config ${file}: ${name}`;
    if (name === "all") {
      config.all = level(value, where);
      continue;
    }
    if (typeof value === "string") {
      config.policies[name] = { enforcementLevel: level(value, where), properties: {} };
      continue;
    }
    if (!isRecord(value)) throw new UsageError(`${where} must be an enforcement level or an object`);
    const { enforcementLevel, ...properties } = value;
    const item = CHECKLIST.find((i) => i.policy === name);
    if (item !== undefined) {
      try {
        parseExemptions(properties.exemptions, `${where}.exemptions`, item.id);
      } catch (e) {
        if (e instanceof ExemptionConfigError) throw new UsageError(e.message);
        throw e;
      }
    }
    config.policies[name] = {
      ...(enforcementLevel !== undefined
        ? { enforcementLevel: level(enforcementLevel, `${where}.enforcementLevel`) }
        : {}),
      properties,
    };
  }
  return config;
}

export function readPolicyPackConfig(file: string): PolicyPackConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(
      `cannot read --policy-pack-config ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  return parsePolicyPackConfig(text, file);
}
