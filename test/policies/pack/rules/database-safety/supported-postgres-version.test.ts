import { supportedPostgresVersion as rule } from "../../../../../policies/pack/rules/database-safety/supported-postgres-version";
import { UNKNOWN } from "../../../../../policies/pack/rules/props";
import { AZURE, DOCKER } from "../../../../../policies/pack/rules/types";
import { kinds } from "../../../../support/app-images";
import { context, resource, judge } from "../../../../support/resources";

/** After the end of life of PostgreSQL 13 (2025-11-13). */
const ctx = context("production", new Date("2026-01-01T00:00:00Z"));
const azure = (props: Record<string, unknown>) => resource(AZURE.postgresServer, "pg", props);
const pulled = (name: string) => resource(DOCKER.remoteImage, "img", { name });

describe("DB-8 supported-postgres-version", () => {
  it.each([
    ["an Azure server on 16", azure({ version: "16" })],
    ["a pulled 17 image", pulled("postgres:17.6-bookworm")],
  ])("passes %s", async (_what, input) => {
    expect(await judge(rule, input, ctx)).toEqual([]);
  });

  it("fails majors older than 16, saying when an end of life has passed", async () => {
    const old = await judge(
      rule,
      resource(DOCKER.container, "db", { image: "postgres:13.22-bookworm" }),
      ctx,
    );
    expect(kinds(old)).toEqual(["violation"]);
    expect(JSON.stringify(old)).toContain("end of life");
    expect(kinds(await judge(rule, azure({ version: "15" }), ctx))).toEqual(["violation"]);
  });

  it.each([
    ["a version unknown during preview", azure({ version: UNKNOWN })],
    ["an unset version", azure({})],
    ["a tag without a major", pulled("postgres:latest")],
  ])("cannot verify %s", async (_what, input) => {
    expect(kinds(await judge(rule, input, ctx))).toEqual(["unverifiable"]);
  });

  it.each([
    ["an app image", "app:1"],
    ["an image that is not text", 42],
  ])("does not apply to a container running %s", async (_what, image) => {
    expect(await judge(rule, resource(DOCKER.container, "web", { image }), ctx)).toBe("not-applicable");
  });
});
