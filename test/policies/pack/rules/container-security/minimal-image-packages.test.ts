import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { minimalImagePackages } from "../../../../../policies/pack/rules/container-security/minimal-image-packages";
import { BAD_APP, builtImage, SAMPLE_APP, violationsAt } from "../../../../support/app-images";
import { FIXTURES_DIR } from "../../../../support/paths";
import { context, judge } from "../../../../support/resources";
import { CANNOT_BUILD } from "../../../../../policies/protocol";

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

describe("CS-4: a requirements file that does not parse is a failure", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-requirements-"));
    fs.writeFileSync(path.join(dir, "requirements.txt"), "django==5.2\ngunicorn=23.0\n");
    fs.writeFileSync(path.join(dir, "requirements-docs.txt"), "sphinx\n--index-urll https://x\n");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("fails with file:line; the one the image installs cannot be built", async () => {
    fs.writeFileSync(
      path.join(dir, "Dockerfile"),
      "FROM python:3.12.12-slim-bookworm\nCOPY requirements.txt /tmp/\nRUN pip install --no-cache-dir -r /tmp/requirements.txt\nUSER 10001\n",
    );
    const result = await judge(minimalImagePackages, builtImage(dir), ctx);
    expect(violationsAt(result, dir).sort()).toEqual(["requirements-docs.txt:2", "requirements.txt:2"]);
    const messages = result === "not-applicable" ? [] : result.map((f) => f.message);
    expect(messages.find((m) => m.includes("requirements.txt:2"))).toMatch(
      new RegExp(`^${CANNOT_BUILD.replace(/[[\]]/g, "\\$&")}.*"gunicorn=23.0" is not a valid requirement`),
    );
    expect(messages.find((m) => m.includes("requirements-docs.txt:2"))).not.toContain(CANNOT_BUILD);
    expect(result === "not-applicable" ? [] : result.map((f) => f.kind)).not.toContain("unverifiable");
  });
});
