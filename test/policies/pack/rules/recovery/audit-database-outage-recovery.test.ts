import { auditDatabaseOutageRecovery as rule } from "../../../../../policies/pack/rules/recovery/audit-database-outage-recovery";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { postgres, webProps } from "../../../../support/app-stack";
import { context, resource, judge, violationOn } from "../../../../support/resources";

describe("audit-database-outage-recovery", () => {
  it("faults an audit database without a pg_isready healthcheck", async () => {
    const web = resource(
      DOCKER.container,
      "web",
      webProps({ image: "ghcr.io/a/b:1", command: ["gunicorn", "x.wsgi"] }),
    );
    const result = await judge(rule, [web, postgres("audit-db", { healthcheck: undefined })], context());
    expect(result).toEqual(expect.arrayContaining([violationOn("healthcheck.tests")]));
  });
  it("cannot verify recovery when the stack holds no audit database", async () => {
    const web = resource(
      DOCKER.container,
      "web",
      webProps({ image: "ghcr.io/a/b:1", command: ["gunicorn", "x.wsgi"] }),
    );
    const result = await judge(rule, [web], context());
    expect(result).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "unverifiable",
          message: expect.stringContaining("no audit database"),
        }),
      ]),
    );
  });
});
