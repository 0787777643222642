import { portRespected as rule } from "../../../../../policies/pack/rules/hosting-compatibility/port-respected";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { context, resource, judge } from "../../../../support/resources";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("port-respected", () => {
  itJudgesTheAppBuild(rule, ["entrypoint.sh:15"]);
});

describe("port-respected on container commands", () => {
  const web = (entrypoints: string[]) =>
    resource(DOCKER.container, "web", { image: "ghcr.io/a/b:1", entrypoints });
  const kinds = async (entrypoints: string[]) => {
    const result = await judge(rule, [web(entrypoints)], context());
    return result === "not-applicable" ? result : result.map((f) => f.kind);
  };
  it("passes $PORT through a shell and gunicorn without --bind", async () => {
    expect(await kinds(["/bin/sh", "-c", 'exec gunicorn --bind "0.0.0.0:${PORT}" x.wsgi'])).toEqual([]);
    expect(await kinds(["gunicorn", "x.wsgi"])).toEqual([]);
  });
  it("faults a literal port and $PORT in an exec-form command (never expanded)", async () => {
    expect(await kinds(["gunicorn", "--bind", "0.0.0.0:8000", "x.wsgi"])).toEqual(["violation"]);
    expect(await kinds(["gunicorn", "--bind", "0.0.0.0:$PORT", "x.wsgi"])).toEqual(["violation"]);
  });
});
