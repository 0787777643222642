import { logsToStdout as rule } from "../../../../policies/rules/hosting-compatibility/logs-to-stdout";
import { BAD_APP, SAMPLE_APP, violationsAt } from "../../../support/app-images";
import { appStack } from "../../../support/app-stack";
import { DOCKER } from "../../../../policies/rules/types";
import { context, resource } from "../../../support/resources";

describe("logs-to-stdout", () => {
  it("passes the sample app", async () => {
    const result = await rule.check(appStack(SAMPLE_APP), context());
    expect(violationsAt(result, SAMPLE_APP)).toEqual([]);
  });

  it("finds the defects planted in bad-app (entrypoint.sh:15, konote/settings.py:45)", async () => {
    const result = await rule.check(appStack(BAD_APP, { envs: [] }), context());
    expect(violationsAt(result, BAD_APP)).toEqual(
      expect.arrayContaining(["entrypoint.sh:15", "konote/settings.py:45"]),
    );
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
