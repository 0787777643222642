import { defaultReleaseSteps } from "../../../../../components/config";
import { auditDatabaseMigrated } from "../../../../../policies/pack/rules/startup-reliability/audit-database-migrated";
import { migrationFailureBlocksRelease } from "../../../../../policies/pack/rules/startup-reliability/migration-failure-blocks-release";
import { securityCheckBlocksProduction } from "../../../../../policies/pack/rules/startup-reliability/security-check-blocks-production";
import { securityCheckWarnsInDemo } from "../../../../../policies/pack/rules/startup-reliability/security-check-warns-in-demo";
import { seedFailureWarns } from "../../../../../policies/pack/rules/startup-reliability/seed-failure-warns";
import { singleMigrationRunner } from "../../../../../policies/pack/rules/startup-reliability/single-migration-runner";
import { startupSelfContained } from "../../../../../policies/pack/rules/startup-reliability/startup-self-contained";
import { rules as startupReliability } from "../../../../../policies/pack/rules/startup-reliability";
import type { StackRule } from "../../../../../policies/pack/rules/rule";
import { AZURE } from "../../../../../policies/pack/rules/types";
import { BAD_APP, builtImage, kinds, violationsAt } from "../../../../support/app-images";
import { dockerStack, URLS } from "../../../../support/app-stacks";
import { context, resource, judge } from "../../../../support/resources";

const production = context("production");
const demo = context("demo");
/** SR-2..SR-8: the items judged on the release's steps (SR-1 has its own tests). */
const rules = startupReliability.filter((r): r is StackRule => r.scope === "stack" && r.id !== "SR-1");

/** The bad app run by its image's own entrypoint, as an image-only deployment. */
function badAppStack() {
  const image = builtImage(BAD_APP);
  const web = resource(
    "docker:index/container:Container",
    "web",
    { image: "app-image:1", envs: ["AUDIT_DATABASE_URL=postgres://a:b@audit/audit"] },
    { propertyDependencies: { image: [image.urn] } },
  );
  return [image, web];
}

describe("release-step rules (SR-2..SR-8)", () => {
  it("pass the components' default release in its own mode", async () => {
    for (const rule of rules) {
      expect(kinds(await judge(rule, dockerStack({ mode: "production" }), production))).not.toContain(
        "violation",
      );
      expect(kinds(await judge(rule, dockerStack({ mode: "demo" }), demo))).not.toContain("violation");
    }
  });

  it("SR-2 fails a migrate step that only warns", async () => {
    const steps = defaultReleaseSteps("production").map((s) =>
      s.name === "migrate" ? { ...s, onFailure: "warn" as const } : s,
    );
    expect(kinds(await judge(migrationFailureBlocksRelease, dockerStack({ steps }), production))).toEqual([
      "violation",
    ]);
  });

  it("SR-3 fails a release without the audit migration", async () => {
    const steps = defaultReleaseSteps("production").filter((s) => s.name !== "migrate-audit");
    expect(kinds(await judge(auditDatabaseMigrated, dockerStack({ steps }), production))).toEqual([
      "violation",
    ]);
  });

  it("SR-4 fails a seed that blocks the release", async () => {
    const steps = defaultReleaseSteps("production").map((s) =>
      s.name === "seed" ? { ...s, onFailure: "abort" as const } : s,
    );
    expect(kinds(await judge(seedFailureWarns, dockerStack({ steps }), production))).toEqual(["violation"]);
  });

  it("SR-5 and SR-6 judge the security check by mode", async () => {
    expect(
      kinds(await judge(securityCheckBlocksProduction, dockerStack({ mode: "demo" }), production)),
    ).toEqual(["violation"]);
    expect(kinds(await judge(securityCheckWarnsInDemo, dockerStack({ mode: "production" }), demo))).toEqual([
      "violation",
    ]);
    expect(await judge(securityCheckBlocksProduction, dockerStack(), demo)).toBe("not-applicable");
    expect(await judge(securityCheckWarnsInDemo, dockerStack(), production)).toBe("not-applicable");
  });

  it("SR-7 fails a database the deployment does not wait for", async () => {
    const stack = dockerStack().map((r) =>
      r.name === "x-app-db-server" ? { ...r, props: { ...r.props, wait: false } } : r,
    );
    expect(kinds(await judge(startupSelfContained, stack, production))).toEqual(["violation"]);
  });

  it("SR-8 fails a web service that migrates besides the release, and a replicated migrating app", async () => {
    const stack = dockerStack({
      webCommand: ["sh", "-ec", "python manage.py migrate\nexec gunicorn config.wsgi"],
    });
    expect(kinds(await judge(singleMigrationRunner, stack, production))).toEqual(["violation"]);
    const app = resource(AZURE.containerApp, "web", {
      template: {
        containers: [{ image: "x", command: ["sh", "-c", "python manage.py migrate && gunicorn app.wsgi"] }],
        scale: { maxReplicas: 3 },
      },
    });
    expect(kinds(await judge(singleMigrationRunner, [app], production))).toEqual(["violation"]);
  });

  it("SR-8 lets each instance of a fleet migrate its own database, and fails two runners on one", async () => {
    const stack = dockerStack();
    const release = stack.find((r) => r.name === "x-release");
    if (release === undefined) throw new Error("the sample stack has no release job");
    const secondRelease = (databaseUrl: string) =>
      resource(
        release.type,
        "y-release",
        {
          ...release.props,
          envs: [`DATABASE_URL=${databaseUrl}`, ...URLS.filter((e) => !e.startsWith("DATABASE_URL="))],
        },
        {
          dependencies: [...release.dependencies],
          propertyDependencies: { image: [...(release.propertyDependencies.image ?? [])] },
        },
      );
    const otherInstance = secondRelease("postgres://app:pw-three@other-db:5432/app?connect_timeout=10");
    expect(await judge(singleMigrationRunner, [...stack, otherInstance], production)).toEqual([]);
    const sameDatabase = secondRelease("postgres://app:pw-one@app-db:5432/app");
    expect(kinds(await judge(singleMigrationRunner, [...stack, sameDatabase], production))).toEqual([
      "violation",
    ]);
  });

  it("SR-8 tells instances apart by the databases they wait for when DATABASE_URL is not known", async () => {
    const stack = dockerStack();
    const release = stack.find((r) => r.name === "x-release");
    const appDb = stack.find((r) => r.name === "x-app-db-server");
    if (release === undefined || appDb === undefined) throw new Error("the sample stack changed");
    const otherDb = { ...appDb, name: "y-app-db-server", urn: appDb.urn.replace("x-app", "y-app") };
    const urlUnknown = (waitsFor: string) =>
      resource(
        release.type,
        "y-release",
        { ...release.props, envs: URLS.filter((e) => !e.startsWith("DATABASE_URL=")) },
        {
          dependencies: [waitsFor],
          propertyDependencies: { image: [...(release.propertyDependencies.image ?? [])] },
        },
      );
    const withoutUrl = stack.map((r) =>
      r === release ? { ...r, props: { ...r.props, envs: URLS.slice(1) } } : r,
    );
    expect(
      await judge(singleMigrationRunner, [...withoutUrl, otherDb, urlUnknown(otherDb.urn)], production),
    ).toEqual([]);
    expect(
      kinds(await judge(singleMigrationRunner, [...withoutUrl, urlUnknown(appDb.urn)], production)),
    ).toEqual(["violation"]);
  });

  it("find the bad app's planted entrypoint defects at their lines", async () => {
    expect(
      violationsAt(await judge(migrationFailureBlocksRelease, badAppStack(), production), BAD_APP),
    ).toEqual(["entrypoint.sh:6"]);
    expect(violationsAt(await judge(auditDatabaseMigrated, badAppStack(), production), BAD_APP)).toEqual([
      "entrypoint.sh:6",
    ]);
    expect(violationsAt(await judge(seedFailureWarns, badAppStack(), production), BAD_APP)).toEqual([
      "entrypoint.sh:8",
    ]);
    expect(
      violationsAt(await judge(securityCheckBlocksProduction, badAppStack(), production), BAD_APP),
    ).toEqual(["entrypoint.sh:12"]);
    expect(violationsAt(await judge(startupSelfContained, badAppStack(), production), BAD_APP)).toEqual([
      "entrypoint.sh:4",
    ]);
  });

  it("cannot verify a web service running a pushed image's own command, and never throws", async () => {
    const web = resource(AZURE.containerApp, "web", {
      template: { containers: [{ image: "ghcr.io/x/app:1" }] },
    });
    const job = resource(AZURE.job, "release", { template: { containers: "odd" } });
    for (const rule of rules)
      await expect(Promise.resolve(judge(rule, [web, job], production))).resolves.toBeDefined();
    expect(kinds(await judge(securityCheckBlocksProduction, [web], production))).toEqual(["unverifiable"]);
  });
});
