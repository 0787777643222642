import { dataSurvivesDestroy as rule } from "../../../../../policies/pack/rules/recovery/data-survives-destroy";
import { AZURE, DOCKER } from "../../../../../policies/pack/rules/types";
import { postgres, volume } from "../../../../support/app-stack";
import { context, resource, judge } from "../../../../support/resources";

describe("data-survives-destroy", () => {
  it("passes a database whose volume is protected", async () => {
    expect(await judge(rule, [postgres("app-db"), volume("app-db-data", true)], context())).toEqual([]);
  });
  it("faults an unprotected database volume", async () => {
    const result = await judge(rule, [postgres("app-db"), volume("app-db-data", false)], context());
    expect(result).toEqual([
      expect.objectContaining({ kind: "violation", message: expect.stringContaining("app-db-data") }),
    ]);
  });
  it("faults a database with no volume at all", async () => {
    expect(await judge(rule, [postgres("app-db", { volumes: [] })], context())).toEqual([
      expect.objectContaining({
        kind: "violation",
        location: expect.objectContaining({ property: "volumes" }),
      }),
    ]);
  });
  it("does not take a one-shot psql job on the PostgreSQL image (a password rotation) for a database", async () => {
    const rotation = resource(DOCKER.container, "password-rotation-job", {
      image: "postgres:16.10-bookworm",
      entrypoints: ["/bin/sh", "-c"],
      command: ["psql -c 'ALTER ROLE app PASSWORD ...'"],
      attach: true,
      mustRun: false,
    });
    expect(await judge(rule, [postgres("app-db"), volume("app-db-data"), rotation], context())).toEqual([]);
  });
  it("faults an unprotected Azure PostgreSQL server and passes a protected one", async () => {
    const server = (protect: boolean) => resource(AZURE.postgresServer, "pg", { version: "16" }, { protect });
    expect(await judge(rule, [server(true)], context())).toEqual([]);
    expect(await judge(rule, [server(false)], context())).toHaveLength(1);
  });
  it("does not apply without databases", async () => {
    expect(await judge(rule, [], context())).toBe("not-applicable");
  });
});
