import { copyExcludesDevFiles } from "../../../../../policies/pack/rules/container-security/copy-excludes-dev-files";
import { BAD_APP, builtImage, SAMPLE_APP, violationsAt } from "../../../../support/app-images";
import { context, judge } from "../../../../support/resources";

const ctx = context();

describe("CS-6 copy-excludes-dev-files", () => {
  it("fails the bad app's COPY . . that brings tests/ and docs/", async () => {
    const result = await judge(copyExcludesDevFiles, builtImage(BAD_APP), ctx);
    expect(violationsAt(result, BAD_APP)).toEqual(["Dockerfile:15"]);
    expect(JSON.stringify(result)).toMatch(/tests\//);
  });

  it("passes the sample app", async () => {
    expect(await judge(copyExcludesDevFiles, builtImage(SAMPLE_APP), ctx)).toEqual([]);
  });
});
