import * as path from "path";
import { dockerignoreExcludesSensitiveFiles } from "../../../../../policies/pack/rules/container-security/dockerignore-excludes-sensitive-files";
import { BAD_APP, builtImage, SAMPLE_APP, violationsAt } from "../../../../support/app-images";
import { context, judge } from "../../../../support/resources";

const ctx = context();

describe("CS-5 dockerignore-excludes-sensitive-files", () => {
  it("fails the bad app: no .dockerignore while .env is in the context", async () => {
    const result = await judge(dockerignoreExcludesSensitiveFiles, builtImage(BAD_APP), ctx);
    expect(violationsAt(result, BAD_APP)).toEqual([".dockerignore", ".dockerignore"]);
    expect(JSON.stringify(result)).toContain(".env");
    expect(JSON.stringify(result)).not.toContain("fixture-not-a-real");
  });

  it("passes the sample app", async () => {
    expect(await judge(dockerignoreExcludesSensitiveFiles, builtImage(SAMPLE_APP), ctx)).toEqual([]);
  });

  it("points at the .dockerignore a context has when it lets a sensitive file through", async () => {
    const result = await judge(
      dockerignoreExcludesSensitiveFiles,
      builtImage(path.join(__dirname, "..", "..", "..", "..", "fixtures", "rules", "leaky-ignore")),
      ctx,
    );
    expect(
      violationsAt(result, path.join(__dirname, "..", "..", "..", "..", "fixtures", "rules", "leaky-ignore")),
    ).toEqual([".dockerignore:1"]);
  });
});
