/**
 * SR-1: before a web service serves, migrations have run: a
 * migration runner (release job) that the web service depends on, or, for an image-only setup,
 * a `migrate` step before the server in the web service's own start command. A start script
 * that waits for the database with a loop that gives up after its bound and carries on (no exit
 * non-zero) starts migrate and the server against a database that is not up: a violation at the loop.
 */
import { runsNoDjango } from "../../deployment/app-builds";
import { NOT_APPLICABLE, violation, type Finding, type StackRule } from "../rule";
import {
  serves,
  stepGate,
  whereOf,
  type PlannedStep,
  type StartPlan,
  type StepGate,
} from "../../deployment/start-plan";
import { misshapenAt, propertyOf } from "../../deployment/workloads";
import { APP_BUILD_TYPES } from "../types";

export const migrationsBeforeServing: StackRule = {
  id: "SR-1",
  policy: "migrations-before-serving",
  category: "startup-reliability",
  severity: "high",
  severityReason:
    "New code serving an old schema fails on every request that touches a changed table until someone migrates by hand.",
  title: "Migrations do not run before the app serves",
  description:
    "A release job runs migrations and the web service depends on its success (or the entrypoint migrates before the server).",
  impact: "The new code serves requests against an old schema: 500 errors until someone migrates by hand.",
  fix: "Run `manage.py migrate` in the release phase and make the web service depend on it.",
  verify:
    "pulumi preview --policy-pack policies   # the web service lists the release job among its dependencies",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    if (runsNoDjango(deployment)) return NOT_APPLICABLE;
    const plans = deployment.plans;
    const webs = plans.filter(serves);
    if (webs.length === 0) return NOT_APPLICABLE;
    // A runner's migrate under a test on variables counts when the deployment's values pass it.
    const migrates = plans
      .filter((p) => !serves(p))
      .flatMap((plan) =>
        plan.steps
          .filter((s) => s.kind === "migrate" && (s.conditions.length > 0 || !s.conditional))
          .map((step) => ({
            plan,
            step,
            gate: step.conditions.length > 0 ? stepGate(deployment, plan, step) : RUNS,
          })),
      );
    const runners = [...new Set(migrates.filter((m) => m.gate.runs === true).map((m) => m.plan))];
    // The others: a migrate its test switches off, or one that cannot be decided.
    const gated = migrates.flatMap(({ plan, step, gate }) =>
      gate.runs === true ? [] : [{ runner: plan.workload.resource.name, step, gate }],
    );
    // A one-shot whose command cannot be read may be the migration runner.
    const unreadableRunners = plans
      .filter((p) => !serves(p))
      .flatMap((p) => misshapenAt(p.workload, "entrypoints", "command", "args"));
    const findings: Finding[] = plans.flatMap(givesUpWaiting);
    for (const web of webs) {
      const migrate = web.steps.findIndex((s) => s.kind === "migrate");
      const server = web.steps.findIndex((s) => s.kind === "server");
      if (runners.some((r) => deployment.dependsOn(web.workload.resource, r.workload.resource))) continue;
      const name = web.workload.resource.name;
      if (migrate >= 0 && (server < 0 || migrate < server)) {
        const gate = stepGate(deployment, web, web.steps[migrate]);
        if (gate.runs !== true) findings.push(gateFinding(name, name, web.steps[migrate], gate));
        continue;
      }
      const where = { urn: web.workload.resource.urn, property: propertyOf(web.workload, "command") };
      if (runners.length > 0) {
        findings.push(
          violation(
            `${name} does not wait for ${runners.map((r) => r.workload.resource.name).join(", ")}, which runs the migrations, so it can serve new code on an old schema. Make it depend on the release (dependsOn).`,
            where,
          ),
        );
      } else if (migrate >= 0) {
        findings.push(
          violation(
            `${name} starts its server before running migrations. Run migrate before the server starts.`,
            web.steps[migrate].location,
          ),
        );
      } else if (web.unverifiable) {
        findings.push(web.unverifiable);
      } else if (unreadableRunners.length > 0) {
        findings.push(...unreadableRunners.filter((f) => !findings.includes(f)));
      } else if (gated.length > 0) {
        // A release job's migrate its test does not let run: said where and why, not "nothing runs".
        findings.push(...gated.map((g) => gateFinding(g.runner, name, g.step, g.gate)));
      } else {
        findings.push(
          violation(
            `Nothing runs database migrations before ${name} serves. Add a release job that runs \`manage.py migrate\` and make ${name} depend on it.`,
            where,
          ),
        );
      }
    }
    return findings;
  },
};

const RUNS: StepGate = { runs: true };

/**
 * A migrate its test does not let run, in `runner` (the web workload itself, or a release job
 * before `web`): a violation naming the test, the variables the deployment leaves unset (or sets
 * to a value that fails it) and file:line; a test on a value known only when the deployment runs
 * could not be verified (stepGate's finding).
 */
function gateFinding(
  runner: string,
  web: string,
  step: PlannedStep,
  gate: Exclude<StepGate, { runs: true }>,
): Finding {
  if (gate.runs === undefined) return gate.finding;
  const unset =
    gate.unset.length > 0
      ? `does not set ${gate.unset.join(", ")}`
      : `sets ${gate.condition.variables.join(", ")} to a value that does not pass it`;
  const variables = gate.condition.variables.join(", ");
  const instead =
    runner === web
      ? "run migrate unconditionally (a release job)"
      : `run migrate in ${runner} unconditionally`;
  return violation(
    `${runner} runs migrate (${whereOf(step.location)}) only when ${gate.condition.text}${gate.condition.negated ? " fails" : ""}, and the deployment ${unset}, so migrations never run before ${runner === web ? "it" : web} serves. Set ${variables}${runner === web ? "" : ` on ${runner}`} so the test passes, or ${instead}.`,
    step.location,
  );
}

/** Wait loops that stop trying after their bound and let migrate or the server start anyway. */
function givesUpWaiting(plan: StartPlan): Finding[] {
  return plan.waitLoops
    .filter((loop) => loop.bounded && !loop.failsAfterBound)
    .flatMap((loop) => {
      const next = loop.before.find((s) => s.kind === "migrate" || s.kind === "server");
      if (next === undefined) return [];
      const what = next.kind === "migrate" ? "migrate runs" : "the server starts";
      return [
        violation(
          `${plan.workload.resource.name} waits for the database with a loop ${loop.location.file ? `(${whereOf(loop.location)})` : "in its start command"} that gives up after its last try and carries on, so ${what} against a database that is not up. Exit non-zero when the wait runs out (probe once more after the loop: \`nc -z db 5432 || exit 1\`), or wait without a bound.`,
          loop.location,
        ),
      ];
    });
}
