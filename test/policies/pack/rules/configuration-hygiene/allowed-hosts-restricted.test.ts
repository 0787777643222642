import { allowedHostsRestricted as rule } from "../../../../../policies/pack/rules/configuration-hygiene/allowed-hosts-restricted";
import { UNKNOWN } from "../../../../../policies/protocol";
import { webProps } from "../../../../support/app-stack";
import { djangoProject, judgeInline } from "../../../../support/inline-app";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("allowed-hosts-restricted", () => {
  itJudgesTheAppBuild(rule, ["konote/settings.py:11"]);

  const files = djangoProject('import os\nALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",")\n');
  const withHosts = (entry: string) => ({ envs: [...(webProps().envs as string[]), entry] });

  it("fails a web container deployed with ALLOWED_HOSTS=*", async () => {
    await expect(judgeInline(rule, files, { web: withHosts("ALLOWED_HOSTS=*") })).resolves.toEqual([
      expect.objectContaining({ kind: "violation", message: expect.stringContaining("ALLOWED_HOSTS=*") }),
    ]);
  });

  it("passes a web container deployed with its domains", async () => {
    await expect(
      judgeInline(rule, files, { web: withHosts("ALLOWED_HOSTS=riverside.example.org") }),
    ).resolves.toEqual([]);
  });

  it("could not verify an ALLOWED_HOSTS known only when the deployment runs, and says which", async () => {
    await expect(judgeInline(rule, files, { web: withHosts(`ALLOWED_HOSTS=${UNKNOWN}`) })).resolves.toEqual([
      {
        kind: "unverifiable",
        message: 'ALLOWED_HOSTS of "web" is not known until the deployment runs.',
        location: expect.objectContaining({ property: "envs" }),
      },
    ]);
  });
});
