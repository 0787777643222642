import { judgeContext } from "../../../../policies/pack/inspect/dockerignore";

const FILES = [
  ".env",
  ".env.example",
  ".git/HEAD",
  "venv/pyvenv.cfg",
  "app/main.py",
  "keys/server.pem",
  "tests/test_a.py",
  "docs/index.md",
  "Makefile",
  "db.sqlite3",
];

describe("judgeContext", () => {
  it("without a .dockerignore sends every sensitive and tooling path", () => {
    const facts = judgeContext(null, null, FILES, ["Dockerfile"], false);
    expect(facts.exists).toBe(false);
    expect(facts.sensitiveSent.map((s) => `${s.kind}:${s.path}`).sort()).toEqual(
      [
        "env-file:.env",
        "git:.git/",
        "private-key:keys/server.pem",
        "sqlite-database:db.sqlite3",
        "virtualenv:venv/",
      ].sort(),
    );
    expect(facts.toolingSent.map((t) => t.path).sort()).toEqual(["Makefile", "docs/", "tests/"]);
  });

  it("applies Docker semantics: ** patterns, negation and a leading slash", () => {
    const facts = judgeContext(
      ".git\n**/*.pem\n/venv\n.env*\n!.env.example\n# comment\n",
      ".dockerignore",
      FILES,
      [],
      false,
    );
    expect(facts.patterns[4]).toMatchObject({
      pattern: ".env.example",
      negated: true,
      location: { line: 5 },
    });
    expect(facts.sentFiles).toContain(".env.example");
    expect(facts.sentFiles).not.toContain(".env");
    expect(facts.sensitiveSent.map((s) => s.path)).toEqual(["db.sqlite3"]);
    expect(facts.sensitiveExcluded.map((s) => s.path).sort()).toEqual([
      ".env",
      ".git/",
      "keys/server.pem",
      "venv/",
    ]);
  });
});
