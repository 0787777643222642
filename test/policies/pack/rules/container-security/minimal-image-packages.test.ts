import * as path from "path";
import { minimalImagePackages } from "../../../../../policies/pack/rules/container-security/minimal-image-packages";
import { BAD_APP, builtImage, SAMPLE_APP, violationsAt } from "../../../../support/app-images";
import { FIXTURES_DIR } from "../../../../support/paths";
import { context, judge } from "../../../../support/resources";

const ctx = context();

describe("CS-4 minimal-image-packages", () => {
  it("fails the bad app's apt install, gcc and pytest in the final image", async () => {
    expect(violationsAt(await judge(minimalImagePackages, builtImage(BAD_APP), ctx), BAD_APP).sort()).toEqual(
      ["Dockerfile:10", "Dockerfile:10", "Dockerfile:10", "requirements.txt:6", "requirements.txt:7"].sort(),
    );
  });

  it("passes the sample app and a compiler kept in a builder stage", async () => {
    expect(await judge(minimalImagePackages, builtImage(SAMPLE_APP), ctx)).toEqual([]);
    expect(
      await judge(minimalImagePackages, builtImage(path.join(FIXTURES_DIR, "rules", "good-multistage")), ctx),
    ).toEqual([]);
  });
});
