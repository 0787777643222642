/**
 * SR-1: before a web service serves, migrations have run: a
 * migration runner (release job) that the web service depends on, or, for an image-only setup,
 * a `migrate` step before the server in the web service's own start command. A start script
 * that waits for the database with a loop that gives up after its bound and carries on (no exit
 * non-zero) starts migrate and the server against a database that is not up: a violation at the loop.
 */
import { runsNoDjango } from "../../deployment/app-builds";
import { NOT_APPLICABLE, violation, type Finding, type StackRule } from "../rule";
import { serves, stepGate, whereOf, type StartPlan } from "../../deployment/start-plan";
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
    const runners = plans.filter(
      (p) =>
        !serves(p) &&
        p.steps.some(
          (s) =>
            s.kind === "migrate" &&
            (s.conditions.length > 0 ? stepGate(deployment, p, s).runs === true : !s.conditional),
        ),
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
        if (gate.runs === undefined) findings.push(gate.finding);
        else if (gate.runs === false) {
          const unset =
            gate.unset.length > 0
              ? `does not set ${gate.unset.join(", ")}`
              : `sets ${gate.condition.variables.join(", ")} to a value that does not pass it`;
          findings.push(
            violation(
              `${name} runs migrate (${whereOf(web.steps[migrate].location)}) only when ${gate.condition.text}${gate.condition.negated ? " fails" : ""}, and the deployment ${unset}, so migrations never run before it serves. Set ${gate.condition.variables.join(", ")} so the test passes, or run migrate unconditionally (a release job).`,
              web.steps[migrate].location,
            ),
          );
        }
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
