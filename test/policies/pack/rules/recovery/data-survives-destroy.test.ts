import { dataSurvivesDestroy as rule } from "../../../../../policies/pack/rules/recovery/data-survives-destroy";
import { AZURE, DOCKER } from "../../../../../policies/pack/rules/types";
import { postgres, volume } from "../../../../support/app-stack";
import { context, resource } from "../../../../support/resources";

describe("data-survives-destroy", () => {
  it("passes a database whose volume is protected", () => {
    expect(rule.check([postgres("app-db"), volume("app-db-data", true)], context())).toEqual([]);
  });
  it("faults an unprotected database volume", () => {
    const result = rule.check([postgres("app-db"), volume("app-db-data", false)], context());
    expect(result).toEqual([
      expect.objectContaining({ kind: "violation", message: expect.stringContaining("app-db-data") }),
    ]);
  });
  it("faults a database with no volume at all", () => {
    expect(rule.check([postgres("app-db", { volumes: [] })], context())).toEqual([
      expect.objectContaining({
        kind: "violation",
        location: expect.objectContaining({ property: "volumes" }),
      }),
    ]);
  });
  it("does not take a one-shot psql job on the PostgreSQL image (a password rotation) for a database", () => {
    const rotation = resource(DOCKER.container, "password-rotation-job", {
      image: "postgres:16.10-bookworm",
      entrypoints: ["/bin/sh", "-c"],
      command: ["psql -c 'ALTER ROLE app PASSWORD ...'"],
      attach: true,
      mustRun: false,
    });
    expect(rule.check([postgres("app-db"), volume("app-db-data"), rotation], context())).toEqual([]);
  });
  it("faults an unprotected Azure PostgreSQL server and passes a protected one", () => {
    const server = (protect: boolean) => resource(AZURE.postgresServer, "pg", { version: "16" }, { protect });
    expect(rule.check([server(true)], context())).toEqual([]);
    expect(rule.check([server(false)], context())).toHaveLength(1);
  });
  it("does not apply without databases", () => {
    expect(rule.check([], context())).toBe("not-applicable");
  });
});
