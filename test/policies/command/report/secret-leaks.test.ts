/**
 * A report about secrets never prints them. The offline check runs the real program and the real
 * pack over the bad-app fixture, whose findings are about secret values (a SECRET_KEY default in
 * settings, secrets in Dockerfile ENV/ARG, a committed .env, database URLs with passwords); the
 * report in every format must name those findings without the values, and without any generated
 * secret of the instance.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runbookCommands } from "../../../../policies/command/cli/check";
import { checkStack, type StackCheck } from "../../../../policies/command/offline/check";
import { SECRET_SIG, SIG_KEY, type WireValue } from "../../../../policies/command/offline/registration";
import {
  buildReport,
  formatReport,
  REPORT_FORMATS,
  type ReportFormat,
} from "../../../../policies/command/report";
import { FIXTURES_DIR, REPO_ROOT } from "../../../support/paths";
import { analyzeSummary, IMAGE, policyEvent, WEB } from "./engine-events";

const BAD_APP = path.join(FIXTURES_DIR, "apps", "bad-app");
const PACK = path.join(REPO_ROOT, "policies");

/** `pattern`'s first group in a bad-app file: the planted values are read, not copied here. */
function planted(file: string, pattern: RegExp): string {
  const match = pattern.exec(fs.readFileSync(path.join(BAD_APP, file), "utf8"));
  if (!match) throw new Error(`${file} no longer plants ${pattern}`);
  return match[1];
}

const PLANTED = [
  planted("Dockerfile", /^ARG DJANGO_SECRET_KEY=(\S+)$/m),
  planted("Dockerfile", /^ENV SECRET_KEY=(\S+)$/m),
  planted("konote/settings.py", /"SECRET_KEY", "([^"]+)"/),
  planted("konote/settings.py", /"FIELD_ENCRYPTION_KEY", "([^"]+)"/),
  planted(".env", /^SECRET_KEY=(\S+)$/m),
  planted(".env", /^DATABASE_URL=postgres:\/\/postgres:([^@]+)@/m),
];

/** Values the program marked secret (generated passwords, keys, URLs), and the credential inside each. */
function generatedSecrets(check: StackCheck): string[] {
  const found = new Set<string>();
  const visit = (value: WireValue | undefined, secret: boolean): void => {
    if (typeof value === "string") {
      if (!secret) return;
      const assigned = /^[A-Z_]+=(.+)$/s.exec(value)?.[1] ?? value;
      const password = /^[a-z]+:\/\/[^:/@]*:([^@]+)@/.exec(assigned)?.[1];
      for (const candidate of [assigned, password])
        if (candidate !== undefined && candidate.length >= 12) found.add(candidate);
    } else if (Array.isArray(value)) {
      value.forEach((v) => visit(v, secret));
    } else if (value !== null && typeof value === "object") {
      const isSecret = value[SIG_KEY] === SECRET_SIG;
      for (const v of Object.values(value)) visit(v, secret || isSecret);
    }
  };
  for (const registration of check.run.registrations) visit(registration.inputs, false);
  return [...found];
}

describe("the report of a stack whose findings are about secret values", () => {
  let check: StackCheck;
  const reports = new Map<ReportFormat, string>();

  beforeAll(async () => {
    // The pack runs from its compiled entry (policies/package.json main), as the Pulumi CLI runs it.
    if (!fs.existsSync(path.join(REPO_ROOT, "dist", "policies", "index.js"))) {
      execFileSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: "pipe" });
    }
    check = await checkStack({
      programDir: path.join(REPO_ROOT, "stacks"),
      stack: "local",
      policyPacks: [PACK],
      context: BAD_APP,
    });
    const report = buildReport(check.events, {
      stack: check.stack,
      project: check.project,
      mode: check.mode,
      runbook: runbookCommands(check),
      sourceRoot: REPO_ROOT,
    });
    for (const format of REPORT_FORMATS) reports.set(format, formatReport(report, format));
  }, 300_000);

  it("reports the secret findings (CS-2 secrets in the image, CH-3 default secret keys) as failures", () => {
    const json = JSON.parse(reports.get("json") as string) as unknown;
    const text = JSON.stringify(json);
    expect(text).toContain("no-secrets-in-image");
    expect(text).toContain("no-default-secret-keys");
    expect(reports.get("md")).toMatch(/konote\/settings\.py:8/);
  });

  it("found secret values to look for: the planted ones and the instance's generated ones", () => {
    expect(PLANTED).toHaveLength(6);
    expect(generatedSecrets(check).length).toBeGreaterThanOrEqual(4);
  });

  it.each(REPORT_FORMATS)("never prints a planted or generated secret value in %s", (format) => {
    const text = reports.get(format) as string;
    const shown = [...PLANTED, ...generatedSecrets(check)].filter((secret) => text.includes(secret));
    expect(shown).toEqual([]);
  });
});

describe("the report of a preview whose policy messages quote secret values", () => {
  // Another pack (or an older version of this one) may echo what it found; the report masks it.
  const value = PLANTED[1];
  const password = PLANTED[5];
  const events = [
    policyEvent({
      policy: "no-secrets-in-image",
      urn: IMAGE,
      message: `The image sets SECRET_KEY=${value} in an ENV instruction.\nLocation: ${BAD_APP}/Dockerfile:4`,
    }),
    policyEvent({
      policy: "database-url-required-secret",
      urn: WEB,
      message: `DATABASE_URL=postgres://postgres:${password}@db/konote is plain text in the web container's env.`,
      enforcement: "advisory",
    }),
    policyEvent({
      policy: "third-party-check",
      pack: "someone-elses-pack",
      urn: WEB,
      message: `found api_token='${value}' and postgres://app:${password}@db:5432/app`,
    }),
    analyzeSummary(IMAGE, [], ["no-secrets-in-image"]),
    analyzeSummary(WEB, [], ["database-url-required-secret"]),
  ];

  it.each(REPORT_FORMATS)("masks them in %s while keeping the findings", (format) => {
    const report = buildReport(events, {
      stack: "local",
      runbook: { restore: `DATABASE_URL=postgres://app:${password}@db/app restore.sh` },
      sourceRoot: REPO_ROOT,
    });
    const text = formatReport(report, format);
    // Markdown names checklist items by id; JSON and SARIF by policy name.
    const named =
      format === "md" ? ["[CS-2]", "[DB-1]"] : ["no-secrets-in-image", "database-url-required-secret"];
    for (const name of [...named, "third-party-check"]) expect(text).toContain(name);
    expect(text).not.toContain(value);
    expect(text).not.toContain(password);
  });
});
