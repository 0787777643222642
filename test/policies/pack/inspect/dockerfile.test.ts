import { finalStage, pipesOf, readDockerfile } from "../../../../policies/pack/inspect/dockerfile";

const MULTI_STAGE = [
  "ARG PY=3.12",
  "FROM python:${PY}-slim@sha256:abc AS base",
  "USER app",
  "FROM base AS build",
  "RUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*",
  "RUN python manage.py collectstatic --settings=app.settings.build",
  "FROM base AS runtime",
  "ENV DJANGO_SETTINGS_MODULE=app.settings.production",
  "COPY --chown=app:app entrypoint.sh /usr/local/bin/",
  'ENTRYPOINT ["entrypoint.sh"]',
  "FROM base AS debug",
  "USER root",
].join("\n");

describe("readDockerfile", () => {
  it("uses the target stage as the final stage and inherits USER through FROM <alias>", () => {
    const facts = readDockerfile(MULTI_STAGE, "Dockerfile", "runtime");
    const stage = finalStage(facts)!;
    expect(stage.alias).toBe("runtime");
    expect(stage.effectiveUser).toMatchObject({ value: "app", location: { file: "Dockerfile", line: 3 } });
    expect(stage.entrypoint).toMatchObject({ form: "exec", argv: ["entrypoint.sh"] });
  });

  it("takes the last stage when no target is given", () => {
    const stage = finalStage(readDockerfile(MULTI_STAGE, "Dockerfile"))!;
    expect(stage.effectiveUser).toMatchObject({ value: "root", location: { line: 12 } });
  });

  it("substitutes global ARGs into the base image and splits tag and digest", () => {
    const facts = readDockerfile(MULTI_STAGE, "Dockerfile");
    expect(facts.stages[0].from).toMatchObject({
      resolved: "python:3.12-slim@sha256:abc",
      name: "python",
      tag: "3.12-slim",
      digest: "sha256:abc",
      kind: "image",
    });
    expect(facts.stages[1].from.kind).toBe("stage");
  });

  it("records apt installs, compilers and build-time settings references with their lines", () => {
    const facts = readDockerfile(MULTI_STAGE, "Dockerfile");
    const build = facts.stages[1];
    expect(build.runs[0].packageInstalls[0]).toMatchObject({
      manager: "apt-get",
      packages: ["gcc"],
      noInstallRecommends: false,
      cleansCache: true,
    });
    expect(build.compilers).toEqual([{ name: "gcc", location: { file: "Dockerfile", line: 5 } }]);
    expect(facts.buildSettingsReferences).toEqual([
      { module: "app.settings.build", via: "--settings", location: { file: "Dockerfile", line: 6 } },
    ]);
  });

  it("reads COPY flags, ENV values and heredoc RUN bodies", () => {
    const text =
      'FROM alpine\nENV A="x y" B=2\nRUN <<EOF\npip install -r requirements.txt\nEOF\nCOPY --chown=app:app . .\n';
    const stage = finalStage(readDockerfile(text, "Dockerfile"))!;
    expect(stage.env.map((env) => [env.name, env.value])).toEqual([
      ["A", "x y"],
      ["B", "2"],
    ]);
    expect(stage.runs[0].pipInstalls[0].requirementFiles).toEqual(["requirements.txt"]);
    expect(stage.copies[0]).toMatchObject({
      chown: "app:app",
      copiesWholeContext: true,
      location: { line: 6 },
    });
  });

  it("reports an unknown target as a problem instead of throwing", () => {
    expect(readDockerfile("FROM alpine\n", "Dockerfile", "nope").problems[0].message).toMatch(/nope/);
  });
});

describe("piped RUNs and the SHELL they run under (hadolint DL4006)", () => {
  it.each([
    ["curl -fsSL https://x | sh", true, false],
    ["pip install -r r.txt 2>&1 | tee /tmp/log", true, false],
    ["make |& tee log", true, false],
    ["test -f a || exit 1", false, false],
    ['grep "a|b" file', false, false],
    ["# curl x | sh\necho hi", false, false],
    ["echo hi # a | b\ncurl x | sh", true, false],
    ["set -o pipefail && curl x | sh", true, true],
    ["set -euo pipefail; curl x | sh", true, true],
    ["set -eux -o pipefail\ncurl x | sh", true, true],
    ["curl x | sh && set -o pipefail", true, false],
  ])("%j: pipes %s, sets pipefail first %s", (script, pipes, setsPipefail) => {
    expect(pipesOf(script)).toEqual({ pipes, setsPipefail });
  });

  it("records each RUN's SHELL, inherited through FROM <alias>, and no pipe for the exec form", () => {
    const facts = readDockerfile(
      [
        "FROM alpine:3.20 AS base",
        "RUN a | b",
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
        "RUN c | d",
        "FROM base",
        "RUN e | f",
        'RUN ["sh", "-c", "g | h"]',
      ].join("\n"),
      "Dockerfile",
    );
    const [base, final] = facts.stages;
    expect(base.runs.map((r) => [r.location.line, r.pipes, r.shell])).toEqual([
      [2, true, null],
      [4, true, ["/bin/bash", "-o", "pipefail", "-c"]],
    ]);
    expect(final.shell).toEqual(["/bin/bash", "-o", "pipefail", "-c"]);
    expect(final.runs.map((r) => [r.location.line, r.pipes, r.shell])).toEqual([
      [6, true, ["/bin/bash", "-o", "pipefail", "-c"]],
      [7, false, null],
    ]);
  });

  it("says which RUNs hide a pipe's failure (DL4006): a POSIX shell without pipefail", () => {
    const facts = readDockerfile(
      [
        "FROM alpine:3.20",
        "RUN a | b",
        "RUN set -o pipefail && c | d",
        'SHELL ["/bin/bash", "-eo", "pipefail", "-c"]',
        "RUN e | f",
        'SHELL ["pwsh", "-Command"]',
        "RUN g | h",
      ].join("\n"),
      "Dockerfile",
    );
    expect(facts.stages[0].runs.map((r) => [r.location.line, r.hidesPipeFailures])).toEqual([
      [2, true],
      [3, false],
      [5, false],
      [7, false],
    ]);
  });
});
