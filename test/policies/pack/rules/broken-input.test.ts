/**
 * Broken input is a failure, not "could not verify" (issue 14): a Dockerfile BuildKit rejects, an
 * unterminated heredoc, a COPY source missing from the context, a settings module with a syntax
 * error. A finding the build fails on makes the report's verdict "No".
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { nonRootUser } from "../../../../policies/pack/rules/container-security/non-root-user";
import { RULES } from "../../../../policies/pack/rules";
import type { Finding, Rule, RuleResult } from "../../../../policies/pack/rules/rule";
import { CANNOT_BUILD } from "../../../../policies/protocol";
import { builtImage } from "../../../support/app-images";
import { appStack } from "../../../support/app-stack";
import { context, judge } from "../../../support/resources";
import { IMAGE, policyEvent, stackSummary, testReport } from "../../command/report/engine-events";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-broken-"));
  fs.mkdirSync(path.join(dir, "app", "settings"), { recursive: true });
  fs.writeFileSync(path.join(dir, "app", "__init__.py"), "");
  fs.writeFileSync(path.join(dir, "app", "settings", "__init__.py"), "");
  fs.writeFileSync(
    path.join(dir, "manage.py"),
    'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings.production")\n',
  );
  fs.writeFileSync(path.join(dir, "requirements.txt"), "django==5.2\n");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
const violations = (result: RuleResult): Finding[] =>
  result === "not-applicable" ? [] : result.filter((f) => f.kind === "violation");
const GOOD_SETTINGS = 'import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n';

describe("broken input fails the item", () => {
  it.each([
    [
      "an unknown instruction (FROMM)",
      "FROMM python:3.12.12-slim-bookworm\nUSER 10001\n",
      "unknown instruction: FROMM",
    ],
    [
      "an unterminated heredoc",
      "FROM python:3.12.12-slim-bookworm\nRUN <<EOF\necho hi\nUSER 10001\n",
      "unterminated heredoc EOF",
    ],
    [
      "a COPY source missing from the context",
      "FROM python:3.12.12-slim-bookworm\nCOPY requirements-prod.txt /tmp/\nUSER 10001\n",
      "requirements-prod.txt is not in the build context",
    ],
  ])("a Dockerfile with %s: the image cannot be built", async (_name, dockerfile, reason) => {
    write("Dockerfile", dockerfile);
    write("app/settings/production.py", GOOD_SETTINGS);
    const found = violations(await judge(nonRootUser, builtImage(dir), context()));
    const broken = found.find((f) => f.message.startsWith(CANNOT_BUILD));
    expect(broken?.message).toContain(reason);
    expect(broken?.location?.file).toBe(path.join(dir, "Dockerfile"));
  });

  it("a COPY source that .dockerignore leaves out fails too", async () => {
    write("Dockerfile", "FROM python:3.12.12-slim-bookworm\nCOPY requirements.txt /tmp/\nUSER 10001\n");
    write(".dockerignore", "requirements.txt\n");
    write("app/settings/production.py", GOOD_SETTINGS);
    const found = violations(await judge(nonRootUser, builtImage(dir), context()));
    expect(found.map((f) => f.message).join("\n")).toContain("requirements.txt is not in the build context");
  });

  it("present COPY sources, globs and whole-context copies pass", async () => {
    write(
      "Dockerfile",
      "FROM python:3.12.12-slim-bookworm\nCOPY requirements*.txt /tmp/\nCOPY app/ /app/app/\nCOPY . /app\nUSER 10001\n",
    );
    write("app/settings/production.py", GOOD_SETTINGS);
    expect(violations(await judge(nonRootUser, builtImage(dir), context()))).toEqual([]);
  });
});

describe("one settings module Python cannot parse is one failure", () => {
  const BROKEN = 'import os\nSECRET_KEY = os.environ["SECRET_KEY"\nDEBUG = True\nALLOWED_HOSTS = ["*"]\n';
  const write_ = () => {
    write(
      "Dockerfile",
      "FROM python:3.12.12-slim-bookworm\nCOPY . /app\nUSER 10001\nCMD exec gunicorn app.wsgi\n",
    );
    write("app/settings/production.py", BROKEN);
  };
  const judgeAll = async (rule: Rule) =>
    judge(rule, rule.scope === "resource" ? builtImage(dir) : appStack(dir, { envs: [] }), context());
  const at = () => ({ file: path.join(dir, "app", "settings", "production.py"), line: 2 });

  it("fails CH-8 (a module Python cannot import does not exist) with file:line", async () => {
    write_();
    const owner = RULES.find((r) => r.id === "CH-8") as Rule;
    expect(await judgeAll(owner)).toEqual([
      {
        kind: "violation",
        message:
          "app/settings/production.py has a Python syntax error, so importing app.settings.production fails and the app cannot start",
        location: at(),
      },
    ]);
  });

  it("a build-only module that does not parse fails CH-8 as an image that cannot be built", async () => {
    write(
      "Dockerfile",
      "FROM python:3.12.12-slim-bookworm\nCOPY . /app\nRUN python manage.py collectstatic --noinput --settings=app.settings.build\nUSER 10001\nCMD exec gunicorn app.wsgi\n",
    );
    write("app/settings/production.py", GOOD_SETTINGS);
    write("app/settings/build.py", "STATIC_ROOT = (\n");
    const owner = RULES.find((r) => r.id === "CH-8") as Rule;
    expect(violations(await judgeAll(owner))).toEqual([
      expect.objectContaining({
        message: `${CANNOT_BUILD} app/settings/build.py has a Python syntax error, so importing app.settings.build fails and the image cannot be built`,
        location: { file: path.join(dir, "app", "settings", "build.py"), line: 1 },
      }),
    ]);
  });

  it("every other item that reads the settings could not judge them, saying which line, and none fails on them", async () => {
    write_();
    const unreadable = {
      kind: "unverifiable",
      message: "could not be judged because app/settings/production.py:2 does not parse.",
      location: at(),
    };
    const readers: string[] = [];
    for (const rule of RULES.filter((r) => r.id !== "CH-8")) {
      const result = await judgeAll(rule);
      if (result === "not-applicable") continue;
      const onSettings = result.filter((f) => f.location?.file === at().file);
      if (onSettings.length === 0) continue;
      readers.push(rule.id);
      expect([rule.id, onSettings]).toEqual([rule.id, [unreadable]]);
    }
    // The settings items judged by judgeSettings/judgeBuilds, and the ones reading DATABASES, LOGGING, ROOT_URLCONF.
    expect(readers.sort()).toEqual(
      [
        "CH-1",
        "CH-2",
        "CH-3",
        "CH-4",
        "CH-5",
        "CH-6",
        "CH-7",
        "DB-4",
        "HC-3",
        "HC-9",
        "RC-1",
        "SF-2",
        "SF-3",
      ].sort(),
    );
  });
});

describe("one broken Dockerfile is one failure", () => {
  const readers = RULES.filter(
    (r) => r.id !== "CS-1" && ["CS-2", "CS-3", "CS-4", "CS-6", "SF-1", "SF-3"].includes(r.id),
  );
  const judgeAll = async (rule: Rule) =>
    judge(rule, rule.scope === "resource" ? builtImage(dir) : appStack(dir), context());

  it("fails CS-1 with file:line, and every other item reading it could not verify, saying which line", async () => {
    write("Dockerfile", "FROM python:3.12.12-slim-bookworm\nFROMM python\nUSER 10001\n");
    write("app/settings/production.py", GOOD_SETTINGS);
    const owner = violations(await judge(nonRootUser, builtImage(dir), context()));
    expect(owner.filter((f) => f.message.startsWith(CANNOT_BUILD))).toEqual([
      expect.objectContaining({ location: { file: path.join(dir, "Dockerfile"), line: 2 } }),
    ]);
    expect(readers.map((r) => r.id).sort()).toEqual(["CS-2", "CS-3", "CS-4", "CS-6", "SF-1", "SF-3"]);
    for (const rule of readers) {
      expect([rule.id, await judgeAll(rule)]).toEqual([
        rule.id,
        [
          {
            kind: "unverifiable",
            message: "could not be judged because Dockerfile:2 does not parse.",
            location: { file: path.join(dir, "Dockerfile"), line: 2 },
          },
        ],
      ]);
    }
  });

  it("a missing COPY source fails CS-1 only; the items that read the Dockerfile still judge it", async () => {
    write("Dockerfile", "FROM python:latest\nCOPY requirements-prod.txt /tmp/\nUSER 10001\n");
    write("app/settings/production.py", GOOD_SETTINGS);
    const pinned = RULES.find((r) => r.id === "CS-3") as Rule;
    const found = violations(await judgeAll(pinned));
    expect(found.map((f) => f.message).join("\n")).not.toContain("requirements-prod.txt");
    expect(found.map((f) => f.message).join("\n")).toContain("latest");
  });
});

test("an image that cannot be built makes the verdict No, whatever the item's severity", () => {
  const report = testReport(
    [
      { preludeEvent: { config: {} } },
      policyEvent({
        policy: "minimal-packages",
        urn: IMAGE,
        enforcement: "advisory",
        message: `${CANNOT_BUILD} Dockerfile does not parse as BuildKit reads it: unknown instruction: FROMM\nLocation: Dockerfile:1`,
      }),
      stackSummary([]),
    ],
    { mode: "production" },
  );
  expect(report.verdict).toBe("No");
});
