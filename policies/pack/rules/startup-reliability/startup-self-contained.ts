/**
 * SR-7: starting the app needs nothing from outside: no
 * `pip install`, downloads or `git` at start, and databases are awaited through their
 * healthchecks (docker: the database container has a healthcheck and `wait: true`, so nothing
 * that depends on it is created before it is healthy), not through sleep loops.
 */
import { at, bool, isUnknown, list } from "../props";
import { NOT_APPLICABLE, unverifiable, violation, type Finding, type StackRule } from "../rule";
import { stepsOf } from "../../deployment/start-plan";
import { APP_BUILD_TYPES } from "../types";

export const startupSelfContained: StackRule = {
  id: "SR-7",
  policy: "startup-self-contained",
  category: "startup-reliability",
  severity: "medium",
  title: "Start-up depends on outside services",
  description:
    "No pip install, downloads or git at start; database readiness is awaited through healthchecks.",
  impact: "The app cannot restart while PyPI, GitHub or the network is down.",
  fix: "Install everything at build time; gate start-up on database healthchecks, not on sleep loops or downloads.",
  verify: "grep -nE 'pip install|curl|wget|git ' entrypoint.sh   # prints nothing",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    const plans = deployment.plans;
    if (plans.length === 0) return NOT_APPLICABLE;
    const findings: Finding[] = [];
    for (const { plan, step } of stepsOf(plans, "outside-call")) {
      findings.push(
        violation(
          `${plan.workload.resource.name} runs \`${step.label}\` when it starts, so it cannot start while the network or that service is down. Do it at build time instead.`,
          step.location,
        ),
      );
    }
    const databases = deployment.withRole("database").filter((d) => d.platform === "docker");
    for (const db of databases) {
      const dependents = plans.filter((p) => deployment.dependsOn(p.workload.resource, db.resource));
      if (dependents.length === 0) continue;
      const r = db.resource;
      if (isUnknown(at(r.props, "healthcheck")) || isUnknown(at(r.props, "wait"))) {
        findings.push(
          unverifiable(`the healthcheck of ${r.name} is not known until the deployment runs.`, {
            urn: r.urn,
            property: "healthcheck",
          }),
        );
      } else if (list(r.props, "healthcheck.tests").length === 0) {
        findings.push(
          violation(
            `Database ${r.name} has no healthcheck, so ${dependents[0].workload.resource.name} can start before it accepts connections. Add a pg_isready healthcheck and wait: true.`,
            { urn: r.urn, property: "healthcheck" },
          ),
        );
      } else if (bool(r.props, "wait") !== true) {
        findings.push(
          violation(
            `Database ${r.name} has a healthcheck but the deployment does not wait for it (wait: true), so ${dependents[0].workload.resource.name} can start before the database is ready.`,
            { urn: r.urn, property: "wait" },
          ),
        );
      }
    }
    return findings;
  },
};
