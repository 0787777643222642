import { appServerTuned as rule } from "../../../../policies/rules/hosting-compatibility/app-server-tuned";
import { BAD_APP, SAMPLE_APP, violationsAt } from "../../../support/app-images";
import { appStack } from "../../../support/app-stack";
import { DOCKER } from "../../../../policies/rules/types";
import { context, resource } from "../../../support/resources";

describe("app-server-tuned", () => {
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

describe("app-server-tuned on container commands", () => {
  const web = (command: string) =>
    resource(DOCKER.container, "web", { image: "ghcr.io/a/b:1", command: ["sh", "-c", command] });
  it("passes explicit workers, threads and a 60 s timeout", async () => {
    expect(await rule.check([web("gunicorn -w 2 --threads 4 --timeout=60 x.wsgi")], context())).toEqual([]);
  });
  it("faults a timeout under 60 s", async () => {
    expect(await rule.check([web("gunicorn -w 2 --threads 4 -t 30 x.wsgi")], context())).toEqual([
      expect.objectContaining({ kind: "violation" }),
    ]);
  });
  it("cannot verify options left to a config file", async () => {
    expect(await rule.check([web("gunicorn -c gunicorn.conf.py x.wsgi")], context())).toEqual([
      expect.objectContaining({ kind: "unverifiable" }),
    ]);
  });
});
