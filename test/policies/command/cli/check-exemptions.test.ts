/**
 * Exemptions and baselines end to end: the bundled program and the real pack, run offline as
 * `pulumi preview --policy-pack` would, on a copy of the sample app with two problems written
 * the way issue 16 describes them: a root USER exempted by a pragma, and a token baked into an
 * ENV, a critical item whose exemption production refuses unless pack config allows it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../../../policies/command/cli/main";
import type { JsonReport } from "../../../../policies/command/report";
import { REPO_ROOT } from "../../../support/paths";
import { capturedTerminal } from "./captured-terminal";

const STACKS = path.join(REPO_ROOT, "stacks");
const PRAGMA =
  '# agency-deploy: ignore CS-1 reason="the legacy uploader writes to /app until ticket 12" until=2999-12-31';
const EXEMPTIONS = JSON.stringify([
  { id: "CS-2", file: "Dockerfile", reason: "a test token, revoked", expires: "2999-12-31" },
]);

let tmp: string;
let app: string;

function writeDockerfile(padding: string): void {
  const source = fs.readFileSync(path.join(STACKS, "sample-app", "Dockerfile"), "utf8");
  const changed = source.replace(
    "USER 10001:10001",
    `${padding}${PRAGMA}\nUSER root\nENV API_TOKEN=sk_live_4f9a8b7c6d5e4f3a2b1c`,
  );
  fs.writeFileSync(path.join(app, "Dockerfile"), changed);
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-exemptions-"));
  app = path.join(tmp, "app");
  fs.cpSync(path.join(STACKS, "sample-app"), app, { recursive: true });
  writeDockerfile("");
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function check(...argv: string[]): Promise<{ code: number; report: JsonReport; notes: string }> {
  const t = capturedTerminal();
  const code = await main(
    [
      "check",
      "--program",
      STACKS,
      "--stack",
      "local",
      "--context",
      app,
      "-c",
      `exemptions=${EXEMPTIONS}`,
      "--format",
      "json",
      ...argv,
    ],
    t,
  );
  expect(t.err).toBe("");
  return { code, report: JSON.parse(t.out) as JsonReport, notes: t.notes };
}

const item = (report: JsonReport, id: string) => report.items.find((i) => i.id === id)!;

describe("check with exemptions and a baseline, on the real pack", () => {
  const baseline = () => path.join(tmp, "baseline.json");

  it("honours the pragma, refuses the critical exemption in production, and records the baseline", async () => {
    const { code, report } = await check("--write-baseline", baseline());
    expect(item(report, "CS-1").findings).toEqual([]);
    expect(item(report, "CS-1").exempted).toEqual([
      expect.objectContaining({
        exemption: {
          reason: "the legacy uploader writes to /app until ticket 12",
          source: expect.stringMatching(/^pragma at line \d+$/),
          kind: "inSource",
          expires: "2999-12-31",
        },
      }),
    ]);
    const [secret] = item(report, "CS-2").findings;
    expect(secret).toMatchObject({ enforcement: "mandatory" });
    expect(secret?.exemptionNotApplied).toContain("a critical item cannot be exempted in production");
    expect(code).toBe(1);
    // The open finding is recorded, the exempted one is not.
    const written = JSON.parse(fs.readFileSync(baseline(), "utf8")) as { findings: { id: string }[] };
    expect(written.findings.map((f) => f.id)).toContain("CS-2");
    expect(written.findings.map((f) => f.id)).not.toContain("CS-1");
  }, 120_000);

  it("passes the gate with the baseline after the lines moved", async () => {
    writeDockerfile("# a comment and a blank line move everything below\n\n");
    const { code, report } = await check("--baseline", baseline());
    // Only CS-2 is certain to be in both runs: a settings parse cut off by its time budget on a busy
    // machine adds an advisory "could not verify" to either (inspect/grammars.ts, PARSE_BUDGET_MS).
    expect(report.baseline?.known).toBeGreaterThanOrEqual(1);
    expect(item(report, "CS-2").findings[0]).toMatchObject({ inBaseline: true });
    expect(code).toBe(0);
  }, 120_000);

  it("exempts the critical item once the policy's pack config allows it", async () => {
    const config = path.join(tmp, "pack-config.json");
    fs.writeFileSync(config, JSON.stringify({ "no-secrets-in-image": { allowCriticalExemptions: true } }));
    const { code, report } = await check("--policy-pack-config", config);
    expect(item(report, "CS-2").findings).toEqual([]);
    expect(item(report, "CS-2").exempted[0]?.exemption).toMatchObject({
      reason: "a test token, revoked",
      source: "agency-deploy:exemptions[0]",
      kind: "external",
    });
    expect(code).toBe(0);
  }, 120_000);
});
