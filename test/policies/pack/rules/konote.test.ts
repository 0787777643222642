/**
 * The KoNote-style layout of ../shared/seeds/000_*.txt (settings package base / production / build,
 * require_env, a database router, seeds), written with the patterns a reviewer reads as safe:
 * `default=require_env(...)`, health checks set later in production.py, WhiteNoise inserted into
 * MIDDLEWARE there, a SECRET_KEY read with .get but validated, ALLOWED_HOSTS failing closed to
 * localhost, guarded seed creates. Every rule judges it without a false alarm.
 */
import { Deployment } from "../../../../policies/pack/deployment";
import { RULES } from "../../../../policies/pack/rules";
import type { Finding, Resource } from "../../../../policies/pack/rules/rule";
import { SAMPLE_APP } from "../../../support/app-images";
import { appStack } from "../../../support/app-stack";
import { context, judge } from "../../../support/resources";
import { konoteApp } from "../../../support/konote-app";

const KONOTE = konoteApp();

async function findingsOf(resources: readonly Resource[]): Promise<Record<string, Finding[]>> {
  const found: Record<string, Finding[]> = {};
  const deployment = await Deployment.build(resources);
  for (const rule of RULES) {
    const results =
      rule.scope === "stack"
        ? [await rule.check(deployment, context())]
        : await Promise.all(
            resources
              .filter((r) => rule.types.includes(r.type))
              // Analyze judges one resource at a time, as the engine sends them.
              .map((r) => judge(rule, r, context())),
          );
    const findings = results.flatMap((r) => (r === "not-applicable" ? [] : r));
    if (findings.length > 0) found[rule.id] = findings;
  }
  return found;
}

function violationMessages(found: Record<string, Finding[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(found)
      .map(([id, list]) => [id, list.filter((f) => f.kind === "violation").map((f) => f.message)] as const)
      .filter(([, list]) => list.length > 0),
  );
}

describe("a KoNote-style app", () => {
  it("is judged without a false alarm: nothing beyond what the sample app's same stack gets", async () => {
    // The small stack lacks a release job and hardening; those findings are the stack's, not the app's.
    const stackOnly = violationMessages(await findingsOf(appStack(SAMPLE_APP)));
    const konote = violationMessages(await findingsOf(appStack(KONOTE)));
    const extra = Object.fromEntries(
      Object.entries(konote)
        .map(([id, list]) => [id, list.filter((m) => !(stackOnly[id] ?? []).includes(m))] as const)
        .filter(([, list]) => list.length > 0),
    );
    expect(extra).toEqual({});
  });
});
