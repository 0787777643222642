/** SR-2's build half: a piped RUN without pipefail hides a failed step (hadolint DL4006). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { migrationFailureBlocksRelease as rule } from "../../../../../policies/pack/rules/startup-reliability/migration-failure-blocks-release";
import { violationsAt } from "../../../../support/app-images";
import { appStack } from "../../../../support/app-stack";
import { context, judge } from "../../../../support/resources";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-pipefail-"));
  fs.writeFileSync(path.join(dir, "requirements.txt"), "django==5.2\n");
  fs.writeFileSync(
    path.join(dir, "manage.py"),
    'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")\n',
  );
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const FROM = "FROM python:3.12.12-slim-bookworm";
const TAIL = "COPY . /app\nUSER 10001\nCMD exec gunicorn app.wsgi\n";
async function pipeViolations(dockerfile: string): Promise<string[]> {
  fs.writeFileSync(path.join(dir, "Dockerfile"), `${dockerfile}\n${TAIL}`);
  const result = await judge(rule, appStack(dir), context());
  if (result === "not-applicable") return [];
  const piped = result.filter((f) => f.message.includes("pipes one command into another"));
  return violationsAt(piped, dir);
}

describe("SR-2: a piped RUN without pipefail (DL4006)", () => {
  it("fails a piped RUN under the default /bin/sh -c, with its line", async () => {
    expect(await pipeViolations(`${FROM}\nRUN echo ok\nRUN curl -fsSL https://example.org/x | sh`)).toEqual([
      "Dockerfile:3",
    ]);
  });

  it("fails a piped RUN in a builder stage the image copies from and under a SHELL without pipefail", async () => {
    const dockerfile = [
      `${FROM} AS build`,
      "RUN pip wheel -r requirements.txt 2>&1 | tee /tmp/log",
      FROM,
      "COPY --from=build /tmp/log /tmp/log",
      'SHELL ["/bin/bash", "-c"]',
      "RUN echo a | tee b",
    ].join("\n");
    expect((await pipeViolations(dockerfile)).sort()).toEqual(["Dockerfile:2", "Dockerfile:6"]);
  });

  it("judges only the stages the image is built from: a stage nothing copies or mounts is not built", async () => {
    const dockerfile = [
      `${FROM} AS docs`,
      "RUN curl -fsSL https://example.org/x | sh",
      `${FROM} AS wheels`,
      "RUN pip wheel -r requirements.txt | tee /tmp/log",
      FROM,
      "RUN --mount=type=bind,from=wheels,source=/tmp,target=/w ls /w",
    ].join("\n");
    expect(await pipeViolations(dockerfile)).toEqual(["Dockerfile:4"]);
  });

  it("passes a SHELL with -o pipefail, a command that sets pipefail first, `||` and the exec form", async () => {
    const dockerfile = [
      FROM,
      "RUN set -euo pipefail; curl -fsSL https://example.org/x | sh",
      "RUN test -f requirements.txt || exit 1",
      'RUN ["sh", "-c", "a | b"]',
      'SHELL ["/bin/bash", "-eo", "pipefail", "-c"]',
      "RUN curl -fsSL https://example.org/x | sh",
    ].join("\n");
    expect(await pipeViolations(dockerfile)).toEqual([]);
  });

  it("does not judge a Windows SHELL (PowerShell pipes objects, not exit statuses)", async () => {
    expect(
      await pipeViolations(
        `${FROM}\nSHELL ["powershell", "-Command"]\nRUN Get-ChildItem | Select-Object Name`,
      ),
    ).toEqual([]);
  });

  it("is not judged for a stack that runs no Django app", async () => {
    fs.rmSync(path.join(dir, "manage.py"));
    fs.writeFileSync(path.join(dir, "requirements.txt"), "flask==3.1\n");
    fs.writeFileSync(
      path.join(dir, "Dockerfile"),
      `${FROM}\nRUN curl -fsSL https://example.org/x | sh\n${TAIL}`,
    );
    expect(await judge(rule, appStack(dir), context())).toBe("not-applicable");
  });

  it("records DL4006 as the related hadolint check", () => {
    expect(rule.related).toContain("DL4006");
  });
});
