import { noSecretsInImage } from "../../../../../policies/pack/rules/container-security/no-secrets-in-image";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { kinds, SAMPLE_APP } from "../../../../support/app-images";
import { context, resource, judge } from "../../../../support/resources";
import { itJudgesTheAppImage } from "../../../../support/rule-harness";

const ctx = context();

describe("CS-2 no-secrets-in-image", () => {
  // bad-app's secret ARG/ENV literals and its copies of .env.
  itJudgesTheAppImage(noSecretsInImage, [
    "Dockerfile:3",
    "Dockerfile:4",
    "Dockerfile:5",
    "Dockerfile:15",
    "Dockerfile:16",
  ]);

  it("fails a secret passed as a build argument without ever showing its value", async () => {
    const image = resource(DOCKER.image, "app", {
      imageName: "app:1",
      build: {
        context: SAMPLE_APP,
        args: { API_TOKEN: "hunter2", PYTHON_VERSION: "3.12", MIRROR: "https://u:pw@mirror" },
      },
    });
    const result = await judge(noSecretsInImage, image, ctx);
    const violations = result === "not-applicable" ? [] : result.filter((f) => f.kind === "violation");
    expect(violations.map((f) => f.location?.property).sort()).toEqual([
      "build.args.API_TOKEN",
      "build.args.MIRROR",
    ]);
    expect(JSON.stringify(violations)).not.toMatch(/hunter2|u:pw/);
  });

  it("cannot verify a pulled app image and does not apply to an official one", async () => {
    const pulled = (name: string) => resource(DOCKER.remoteImage, "pg", { name });
    expect(kinds(await judge(noSecretsInImage, pulled("ghcr.io/agency/app:1.2"), ctx))).toEqual([
      "unverifiable",
    ]);
    expect(await judge(noSecretsInImage, pulled("postgres:16"), ctx)).toBe("not-applicable");
  });
});
