import { portRespected as rule } from "../../../../policies/rules/hosting-compatibility/port-respected";
import { BAD_APP, SAMPLE_APP, violationsAt } from "../../../support/app-images";
import { appStack } from "../../../support/app-stack";
import { DOCKER } from "../../../../policies/rules/types";
import { context, resource } from "../../../support/resources";

describe("port-respected", () => {
  it("passes the sample app", async () => {
    const result = await rule.check(appStack(SAMPLE_APP), context());
    expect(violationsAt(result, SAMPLE_APP)).toEqual([]);
  });

  it("finds the defects planted in bad-app (entrypoint.sh:15)", async () => {
    const result = await rule.check(appStack(BAD_APP, { envs: [] }), context());
    expect(violationsAt(result, BAD_APP)).toEqual(expect.arrayContaining(["entrypoint.sh:15"]));
  });

  it("cannot verify an app that runs a pushed image", async () => {
    const web = resource(DOCKER.container, "web", {
      image: "ghcr.io/org/app:1.0",
      envs: ["DJANGO_SETTINGS_MODULE=x"],
    });
    const result = await rule.check([web], context());
    expect(result).not.toBe("not-applicable");
    expect(result === "not-applicable" ? [] : result.map((f) => f.kind)).toContain("unverifiable");
  });

  it("does not apply to a stack without an application", async () => {
    expect(await rule.check([], context())).toBe("not-applicable");
  });
});

describe("port-respected on container commands", () => {
  const web = (entrypoints: string[]) =>
    resource(DOCKER.container, "web", { image: "ghcr.io/a/b:1", entrypoints });
  const kinds = async (entrypoints: string[]) => {
    const result = await rule.check([web(entrypoints)], context());
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
