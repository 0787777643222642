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

const MIGRATE = /manage\.py\s+migrate\b|django-admin\s+migrate\b/;

interface Unit {
  workload: Workload;
  migrates: boolean;
  /** Seeds run before any migration in the same script. */
  seedsBeforeMigrate: boolean;
  seeds: boolean;
  location: Location;
}

function seedPattern(names: readonly string[]): RegExp {
  const extra = names.map((n) => n.replace(/[^\w]/g, "")).filter((n) => n !== "");
  return new RegExp(
    `(manage\\.py|django-admin)\\s+(seed\\w*|loaddata${extra.map((n) => `|${n}`).join("")})\\b`,
  );
}

function orderIn(text: string, seed: RegExp): Pick<Unit, "migrates" | "seeds" | "seedsBeforeMigrate"> {
  const m = text.search(MIGRATE);
  const s = text.search(seed);
  return { migrates: m >= 0, seeds: s >= 0, seedsBeforeMigrate: s >= 0 && (m < 0 || s < m) };
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
    const seedNames = builds.inspected.flatMap((b) => b.facts.seedCommands.map((s) => s.command));
    const seed = seedPattern(seedNames);
    const units: Unit[] = all.map((workload) => {
      const build = builds.inspected.find((b) => runsBuild(b, workload));
      const steps = build?.facts.entrypoint?.steps ?? [];
      if (workload.argv.length === 0 && steps.length > 0 && build) {
        const firstSeed = steps.findIndex((s) => s.kind === "seed");
        const firstMigrate = steps.findIndex((s) => s.kind === "migrate");
        return {
          workload,
          migrates: firstMigrate >= 0,
          seeds: firstSeed >= 0,
          seedsBeforeMigrate: firstSeed >= 0 && (firstMigrate < 0 || firstSeed < firstMigrate),
          location: inContext(build.facts, steps[Math.max(firstSeed, 0)].location),
        };
      }
      return {
        workload,
        ...orderIn(workload.script, seed),
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
