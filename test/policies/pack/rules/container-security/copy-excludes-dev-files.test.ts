import { copyExcludesDevFiles } from "../../../../../policies/pack/rules/container-security/copy-excludes-dev-files";
import { BAD_APP, builtImage, violationsAt } from "../../../../support/app-images";
import { context, judge } from "../../../../support/resources";
import { itJudgesTheAppImage } from "../../../../support/rule-harness";

const ctx = context();

describe("CS-6 copy-excludes-dev-files", () => {
  it("fails the bad app's COPY . . that brings tests/ and docs/", async () => {
    const result = await judge(copyExcludesDevFiles, builtImage(BAD_APP), ctx);
    expect(violationsAt(result, BAD_APP)).toEqual(["Dockerfile:15"]);
    expect(JSON.stringify(result)).toMatch(/tests\//);
  });

  itJudgesTheAppImage(copyExcludesDevFiles, ["Dockerfile:15"]);
});
