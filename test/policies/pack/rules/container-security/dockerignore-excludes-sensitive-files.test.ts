import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { inspectBuildContext } from "../../../../../policies/pack/inspect";
import { dockerignoreExcludesSensitiveFiles } from "../../../../../policies/pack/rules/container-security/dockerignore-excludes-sensitive-files";
import { BAD_APP, builtImage, SAMPLE_APP, violationsAt } from "../../../../support/app-images";
import { INLINE_APP, inlineImage, judgeInline } from "../../../../support/inline-app";
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
    const files = {
      ".dockerignore": ".git\n",
      Dockerfile: "FROM python:3.12-slim\nCOPY app.py /app/\nUSER 1000\n",
      "app.py": "print(1)\n",
      ".env.production": "SECRET_KEY=inline-not-a-real-key\n",
    };
    const result = await judgeInline(dockerignoreExcludesSensitiveFiles, files, { resources: inlineImage() });
    expect(violationsAt(result, INLINE_APP)).toEqual([".dockerignore:1"]);
    expect(JSON.stringify(result)).toContain(".env.production");
    expect(JSON.stringify(result)).not.toContain("inline-not-a-real-key");
  });
});

describe("a git clone whose .dockerignore excludes .git (issue 14)", () => {
  // git will not commit a nested .git folder, so the clone is made here, in a temp dir.
  let clone: string;
  beforeAll(() => {
    clone = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-git-"));
    fs.mkdirSync(path.join(clone, ".git", "objects"), { recursive: true });
    fs.writeFileSync(path.join(clone, ".git", "HEAD"), "ref: refs/heads/main\n");
    fs.writeFileSync(path.join(clone, "Dockerfile"), "FROM python:3.12.12-slim-bookworm\nCOPY . /app\n");
    fs.writeFileSync(path.join(clone, "app.py"), "print('hi')\n");
  });
  afterAll(() => fs.rmSync(clone, { recursive: true, force: true }));

  it.each([".git", ".git/", "/.git", ".git/**", "**/.git"])("passes with the line %s", async (line) => {
    fs.writeFileSync(path.join(clone, ".dockerignore"), `${line}\n.env\n.env.*\n.venv\nvenv\n`);
    const facts = await inspectBuildContext({ context: clone });
    expect(facts.dockerignore?.sensitiveSent).toEqual([]);
    expect(facts.dockerignore?.sensitiveExcluded.map((s) => s.path)).toContain(".git/");
    const result = await judge(dockerignoreExcludesSensitiveFiles, builtImage(clone), ctx);
    expect(violationsAt(result, clone)).toEqual([]);
  });

  it("still fails when the .dockerignore leaves .git in", async () => {
    fs.writeFileSync(path.join(clone, ".dockerignore"), ".env\n");
    const facts = await inspectBuildContext({ context: clone });
    expect(facts.dockerignore?.sensitiveSent.map((s) => s.path)).toContain(".git/");
  });
});
