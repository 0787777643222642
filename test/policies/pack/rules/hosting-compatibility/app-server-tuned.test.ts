import { appServerTuned as rule } from "../../../../../policies/pack/rules/hosting-compatibility/app-server-tuned";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { context, resource, judge } from "../../../../support/resources";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("app-server-tuned", () => {
  itJudgesTheAppBuild(rule, ["entrypoint.sh:15"]);
});

describe("app-server-tuned on container commands", () => {
  const web = (command: string) =>
    resource(DOCKER.container, "web", { image: "ghcr.io/a/b:1", command: ["sh", "-c", command] });
  it("passes explicit workers, threads and a 60 s timeout", async () => {
    expect(await judge(rule, [web("gunicorn -w 2 --threads 4 --timeout=60 x.wsgi")], context())).toEqual([]);
  });
  it("faults a timeout under 60 s", async () => {
    expect(await judge(rule, [web("gunicorn -w 2 --threads 4 -t 30 x.wsgi")], context())).toEqual([
      expect.objectContaining({ kind: "violation" }),
    ]);
  });
  it("cannot verify options left to a config file", async () => {
    expect(await judge(rule, [web("gunicorn -c gunicorn.conf.py x.wsgi")], context())).toEqual([
      expect.objectContaining({ kind: "unverifiable" }),
    ]);
  });
});
