/**
 * `check --context DIR` judges an app's own deployment when it has one; `--compose FILE` names
 * the files; `--with-components` judges the app wrapped in the bundled components; `--compare`
 * heads the report with both verdicts.
 */
import * as path from "path";
import { main } from "../../../../policies/command/cli/main";
import { FIXTURES_DIR, REPO_ROOT } from "../../../support/paths";
import { capturedTerminal } from "./captured-terminal";

const PACK = path.join(REPO_ROOT, "policies");
const COMPOSE_MERGE = path.join(FIXTURES_DIR, "deployments", "compose-merge");

/** `--compose` of one of compose-merge's files. */
function compose(file: string): string[] {
  return ["--compose", path.join(COMPOSE_MERGE, file)];
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const t = capturedTerminal();
  const code = await main(argv, t);
  return { code, out: t.out, err: t.err };
}

describe("check on an app's own deployment", () => {
  it("finds the compose files from --context and starts the report with what it judged", async () => {
    const r = await cli("check", "--context", COMPOSE_MERGE, "--policy-pack", PACK, "--format", "md");
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "Judged: Dockerfile (stage production); docker-compose.yml + docker-compose.prod.yml; settings shop.settings.production",
    );
    expect(r.out).toContain("`docker-compose.yml:4`");
    expect(r.out).not.toContain(COMPOSE_MERGE);
  });

  it("judges exactly the files --compose names, in order", async () => {
    const files = [...compose("docker-compose.yml"), ...compose("docker-compose.override.yml")];
    const r = await cli("check", ...files, "--policy-pack", PACK, "--format", "md");
    expect(r.out).toContain(
      "docker-compose.yml + docker-compose.override.yml; settings shop.settings.development",
    );
    expect(r.out).toContain("Compose files: named with --compose.");
  });

  it("names a compose file that does not parse, with exit status 2", async () => {
    const r = await cli(
      "check",
      "--compose",
      path.join(FIXTURES_DIR, "deployments", "flask-app", "Dockerfile"),
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Dockerfile:\d+: /);
  });

  it("refuses --compose with --with-components", async () => {
    const r = await cli("check", ...compose("docker-compose.yml"), "--with-components");
    expect(r.code).toBe(2);
    expect(r.err).toContain("--compose and --with-components exclude each other");
  });

  it("documents what is judged and how to choose it", async () => {
    const t = capturedTerminal();
    await main(["check", "--help"], t);
    const text = t.out;
    for (const phrase of [
      "--compose <file>",
      "--with-components",
      "--compare",
      "What is judged:",
      "Judged:",
    ]) {
      expect(text).toContain(phrase);
    }
  });
});
