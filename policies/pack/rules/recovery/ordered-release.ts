/**
 * RC-4: seeds run after migrations, in one ordered release.
 *
 * Every place a seed command runs (a release container or job, a web container's command, or the
 * image's entrypoint when a workload runs the image's own command) must either run the migrations
 * before it, in the same script, or wait for a release that ran them (a dependency on it).
 */
import { inContext, NOT_APPLICABLE, violation, type Finding, type Location, type StackRule } from "../rule";
import { runsBuild } from "../../deployment/app-builds";
import { propertyOf, type Workload } from "../../deployment/workloads";
import { APP_BUILD_TYPES } from "../types";
import type { Deployment } from "../../deployment";

interface Unit {
  workload: Workload;
  migrates: boolean;
  /** Seeds run before any migration in the same script. */
  seedsBeforeMigrate: boolean;
  seeds: boolean;
  location: Location;
}

interface Step {
  kind: string;
  manageCommand: string | null;
}

/** The order of seeds and migrations among one script's steps; `firstSeed` is -1 without seeds. */
function orderOf(
  steps: readonly Step[],
  seedNames: ReadonlySet<string>,
): Omit<Unit, "workload" | "location"> & { firstSeed: number } {
  // The app's own seed commands are seeds too, besides the ones the shell reader recognises.
  const firstSeed = steps.findIndex((s) => s.kind === "seed" || seedNames.has(s.manageCommand ?? ""));
  const firstMigrate = steps.findIndex((s) => s.kind === "migrate");
  return {
    firstSeed,
    migrates: firstMigrate >= 0,
    seeds: firstSeed >= 0,
    seedsBeforeMigrate: firstSeed >= 0 && (firstMigrate < 0 || firstSeed < firstMigrate),
  };
}

export const orderedRelease: StackRule = {
  id: "RC-4",
  policy: "ordered-release",
  category: "recovery",
  severity: "medium",
  title: "Seeds can race migrations",
  description: "Seeds run after migrations, in one ordered release.",
  impact: "Seeds hit missing tables on a fresh instance: partial data.",
  fix: "Run migrate, audit migrate, then seed, in that order, in one release job.",
  verify: "docker logs <release container>   # migrate lines come before seed lines",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    const all = deployment.workloads.filter((w) => w.role === "web" || w.role === "release");
    if (all.length === 0) return NOT_APPLICABLE;
    const builds = deployment.builds;
    const seedNames = new Set(builds.inspected.flatMap((b) => b.facts.seedCommands.map((s) => s.command)));
    const units: Unit[] = all.map((workload) => {
      const build = builds.inspected.find((b) => runsBuild(b, workload));
      const steps = build?.facts.entrypoint?.steps ?? [];
      if (workload.argv.length === 0 && steps.length > 0 && build) {
        const { firstSeed, ...order } = orderOf(steps, new Set());
        return {
          workload,
          ...order,
          location: inContext(build.facts, steps[Math.max(firstSeed, 0)].location),
        };
      }
      const { firstSeed: _, ...order } = orderOf(deployment.startCommandOf(workload).steps, seedNames);
      return {
        workload,
        ...order,
        location: { urn: workload.resource.urn, property: propertyOf(workload, "command") },
      };
    });
    const findings: Finding[] = [];
    for (const unit of units.filter((u) => u.seeds)) {
      if (unit.migrates && !unit.seedsBeforeMigrate) continue;
      const upstream = dependsOnMigration(unit, units, deployment);
      if (!unit.migrates && upstream) continue;
      const name = unit.workload.resource.name;
      findings.push(
        violation(
          unit.migrates
            ? `"${name}" seeds data before it migrates the database, so on a fresh instance the seed hits missing tables.`
            : `"${name}" seeds data without waiting for the migrations: it can run before the tables exist. Run the ` +
                "seeds after migrate in the same release.",
          unit.location,
        ),
      );
    }
    return findings;
  },
};

/** The unit waits (directly or through others) for a unit that migrates. */
function dependsOnMigration(unit: Unit, units: readonly Unit[], deployment: Deployment): boolean {
  const byUrn = new Map(deployment.resources.map((r) => [r.urn, r]));
  const migrating = new Set(
    units.filter((u) => u.migrates && u !== unit).map((u) => u.workload.resource.urn),
  );
  const seen = new Set<string>();
  const queue = [
    ...unit.workload.resource.dependencies,
    ...Object.values(unit.workload.resource.propertyDependencies).flat(),
  ];
  while (queue.length > 0) {
    const urn = queue.shift() as string;
    if (seen.has(urn)) continue;
    seen.add(urn);
    if (migrating.has(urn)) return true;
    const next = byUrn.get(urn);
    if (next) queue.push(...next.dependencies, ...Object.values(next.propertyDependencies).flat());
  }
  return false;
}
