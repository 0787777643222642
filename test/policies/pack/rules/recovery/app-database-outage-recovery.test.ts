import { appDatabaseOutageRecovery as rule } from "../../../../../policies/pack/rules/recovery/app-database-outage-recovery";
import { auditDatabaseOutageRecovery as audit } from "../../../../../policies/pack/rules/recovery/audit-database-outage-recovery";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { BAD_APP, violationsAt } from "../../../../support/app-images";
import { appStack, postgres, webProps } from "../../../../support/app-stack";
import { context, resource, judge, violationOn } from "../../../../support/resources";

const pushedWeb = (props: Record<string, unknown> = {}) =>
  resource(
    DOCKER.container,
    "web",
    webProps({ image: "ghcr.io/a/b:1", command: ["gunicorn", "x.wsgi"], ...props }),
  );

describe("app-database-outage-recovery (and its audit twin)", () => {
  it("faults bad-app's missing CONN_HEALTH_CHECKS on each alias", async () => {
    const envs = [
      "DATABASE_URL=postgres://u:p@app-db/app",
      "AUDIT_DATABASE_URL=postgres://u:p@audit-db/audit",
    ];
    const stack = [...appStack(BAD_APP, { envs }), postgres("app-db"), postgres("audit-db")];
    expect(violationsAt(await judge(rule, stack, context()), BAD_APP)).toEqual(["konote/settings.py:14"]);
    expect(violationsAt(await judge(audit, stack, context()), BAD_APP)).toEqual(["konote/settings.py:15"]);
  });
  it("tells the databases apart by the hosts of DATABASE_URL and AUDIT_DATABASE_URL", async () => {
    const stack = [pushedWeb(), postgres("app-db"), postgres("audit-db", { restart: "no" })];
    const kinds = async (r: typeof rule) => {
      const result = await judge(r, stack, context());
      return result === "not-applicable"
        ? []
        : result.filter((f) => f.kind === "violation").map((f) => f.location?.urn);
    };
    expect(await kinds(rule)).toEqual([]);
    expect(await kinds(audit)).toEqual([postgres("audit-db").urn]);
  });
  it("faults a web container that is never restarted", async () => {
    const result = await judge(rule, [pushedWeb({ restart: "no" }), postgres("app-db")], context());
    expect(result).toEqual(expect.arrayContaining([violationOn("restart")]));
  });
  it("does not apply to an empty stack", async () => {
    expect(await judge(rule, [], context())).toBe("not-applicable");
  });
});
