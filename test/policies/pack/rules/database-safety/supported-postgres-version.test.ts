import { supportedPostgresVersion } from "../../../../../policies/pack/rules/database-safety/supported-postgres-version";
import { UNKNOWN } from "../../../../../policies/pack/rules/props";
import { AZURE, DOCKER } from "../../../../../policies/pack/rules/types";
import { kinds } from "../../../../support/app-images";
import { context, resource, judge } from "../../../../support/resources";

// Today unless a case names the day of the check.
let ctx = context();
beforeEach(() => {
  ctx = context();
});

describe("DB-8 supported-postgres-version", () => {
  it("passes 16 and newer on Azure and in pulled images", async () => {
    expect(
      await judge(supportedPostgresVersion, resource(AZURE.postgresServer, "pg", { version: "16" }), ctx),
    ).toEqual([]);
    expect(
      await judge(
        supportedPostgresVersion,
        resource(DOCKER.remoteImage, "img", { name: "postgres:17.6-bookworm" }),
        ctx,
      ),
    ).toEqual([]);
  });

  it("fails majors older than 16, saying when an end of life has passed", async () => {
    ctx = context("production", new Date("2026-01-01T00:00:00Z"));
    const old = await judge(
      supportedPostgresVersion,
      resource(DOCKER.container, "db", { image: "postgres:13.22-bookworm" }),
      ctx,
    );
    expect(kinds(old)).toEqual(["violation"]);
    expect(JSON.stringify(old)).toContain("end of life");
    expect(
      kinds(
        await judge(supportedPostgresVersion, resource(AZURE.postgresServer, "pg", { version: "15" }), ctx),
      ),
    ).toEqual(["violation"]);
  });

  it("cannot verify an unknown or unset version or a tag without a major", async () => {
    expect(
      kinds(
        await judge(
          supportedPostgresVersion,
          resource(AZURE.postgresServer, "pg", { version: UNKNOWN }),
          ctx,
        ),
      ),
    ).toEqual(["unverifiable"]);
    expect(
      kinds(await judge(supportedPostgresVersion, resource(AZURE.postgresServer, "pg", {}), ctx)),
    ).toEqual(["unverifiable"]);
    expect(
      kinds(
        await judge(
          supportedPostgresVersion,
          resource(DOCKER.remoteImage, "img", { name: "postgres:latest" }),
          ctx,
        ),
      ),
    ).toEqual(["unverifiable"]);
  });

  it("does not apply to containers that do not run PostgreSQL", async () => {
    expect(
      await judge(supportedPostgresVersion, resource(DOCKER.container, "web", { image: "app:1" }), ctx),
    ).toBe("not-applicable");
    expect(await judge(supportedPostgresVersion, resource(DOCKER.container, "web", { image: 42 }), ctx)).toBe(
      "not-applicable",
    );
  });
});
