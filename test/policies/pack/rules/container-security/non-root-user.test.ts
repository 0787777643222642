import * as path from "path";
import { nonRootUser } from "../../../../../policies/pack/rules/container-security/non-root-user";
import { UNKNOWN } from "../../../../../policies/pack/rules/props";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { BAD_APP, builtImage, kinds, SAMPLE_APP, violationsAt } from "../../../../support/app-images";
import { FIXTURES_DIR } from "../../../../support/paths";
import { context, resource, judge } from "../../../../support/resources";

const ctx = context();

describe("CS-1 non-root-user", () => {
  it("fails a Dockerfile without USER at the final stage's FROM line", async () => {
    expect(violationsAt(await judge(nonRootUser, builtImage(BAD_APP), ctx), BAD_APP)).toEqual([
      "Dockerfile:1",
    ]);
  });

  it("passes the sample app and a multi-stage build ending with a numeric USER", async () => {
    expect(await judge(nonRootUser, builtImage(SAMPLE_APP), ctx)).toEqual([]);
    expect(
      await judge(nonRootUser, builtImage(path.join(FIXTURES_DIR, "rules", "good-multistage")), ctx),
    ).toEqual([]);
  });

  it("cannot verify a USER that comes from a build argument", async () => {
    expect(
      kinds(await judge(nonRootUser, builtImage(path.join(FIXTURES_DIR, "rules", "variable-user")), ctx)),
    ).toEqual(["unverifiable"]);
  });

  it("fails a container that overrides its user to root or uid 0", async () => {
    for (const user of ["root", "0", "0:0", "root:staff"]) {
      expect(
        kinds(await judge(nonRootUser, resource(DOCKER.container, "web", { image: "x", user }), ctx)),
      ).toEqual(["violation"]);
    }
    expect(
      await judge(nonRootUser, resource(DOCKER.container, "web", { image: "x", user: "10001" }), ctx),
    ).toEqual([]);
    expect(await judge(nonRootUser, resource(DOCKER.container, "web", { image: "x" }), ctx)).toBe(
      "not-applicable",
    );
  });

  it("cannot verify pulled images, pushed references or unknown users", async () => {
    expect(
      kinds(
        await judge(
          nonRootUser,
          resource(DOCKER.remoteImage, "app", { name: "ghcr.io/agency/app:1.2" }),
          ctx,
        ),
      ),
    ).toEqual(["unverifiable"]);
    expect(
      kinds(
        await judge(nonRootUser, resource(DOCKER.image, "pushed", { imageName: "ghcr.io/x/app:1" }), ctx),
      ),
    ).toEqual(["unverifiable"]);
    expect(
      kinds(await judge(nonRootUser, resource(DOCKER.image, "x", { build: { context: UNKNOWN } }), ctx)),
    ).toEqual(["unverifiable"]);
    expect(
      kinds(await judge(nonRootUser, resource(DOCKER.container, "web", { user: UNKNOWN }), ctx)),
    ).toEqual(["unverifiable"]);
  });
});
