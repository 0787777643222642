import { minimalImagePackages } from "../../../../../policies/pack/rules/container-security/minimal-image-packages";
import { violationsAt } from "../../../../support/app-images";
import { INLINE_APP, inlineImage, judgeInline } from "../../../../support/inline-app";
import { itJudgesTheAppImage } from "../../../../support/rule-harness";
import { CANNOT_BUILD } from "../../../../../policies/protocol";
import { regexpLiteral } from "../../../../../policies/pack/inspect/regexp-literal";

describe("CS-4 minimal-image-packages", () => {
  // The apt install, gcc and pytest in bad-app's final image.
  itJudgesTheAppImage(minimalImagePackages, [
    "Dockerfile:10",
    "Dockerfile:10",
    "Dockerfile:10",
    "requirements.txt:6",
    "requirements.txt:7",
  ]);

  it("passes a compiler kept in a builder stage", async () => {
    const dockerfile = `FROM python:3.12.8-slim-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip wheel -r requirements.txt -w /wheels
FROM python:3.12.8-slim-bookworm
COPY --from=build /wheels /wheels
USER 10001
`;
    const files = { Dockerfile: dockerfile, "requirements.txt": "Django==5.1\n" };
    expect(await judgeInline(minimalImagePackages, files, { resources: inlineImage() })).toEqual([]);
  });
});

describe("CS-4: a requirements file that does not parse is a failure", () => {
  it("fails with file:line; the one the image installs cannot be built", async () => {
    const files = {
      Dockerfile:
        "FROM python:3.12.12-slim-bookworm\nCOPY requirements.txt /tmp/\nRUN pip install --no-cache-dir -r /tmp/requirements.txt\nUSER 10001\n",
      "requirements.txt": "django==5.2\ngunicorn=23.0\n",
      "requirements-docs.txt": "sphinx\n--index-urll https://x\n",
    };
    const result = await judgeInline(minimalImagePackages, files, { resources: inlineImage() });
    expect(violationsAt(result, INLINE_APP).sort()).toEqual([
      "requirements-docs.txt:2",
      "requirements.txt:2",
    ]);
    const messages = result === "not-applicable" ? [] : result.map((f) => f.message);
    expect(messages.find((m) => m.includes("requirements.txt:2"))).toMatch(
      new RegExp(`^${regexpLiteral(CANNOT_BUILD)}.*"gunicorn=23.0" is not a valid requirement`),
    );
    expect(messages.find((m) => m.includes("requirements-docs.txt:2"))).not.toContain(CANNOT_BUILD);
    expect(result === "not-applicable" ? [] : result.map((f) => f.kind)).not.toContain("unverifiable");
  });
});
