import { readEntrypointScript } from "../../../../policies/pack/inspect/entrypoint";

const SCRIPT = `#!/bin/sh
set -eu
python manage.py migrate --noinput
python manage.py migrate --database=audit
python manage.py seed_metrics || echo "seed failed" >&2
python manage.py load_templates || true
python manage.py check --deploy
curl -fsS https://example.org/hook
exec gunicorn app.wsgi --bind 0.0.0.0:\${PORT:-8000} --workers 3 --timeout 60 --access-logfile /tmp/access.log
`;

describe("readEntrypointScript", () => {
  it("lists notable commands in order with their lines", async () => {
    const facts = await readEntrypointScript(SCRIPT, { file: "entrypoint.sh" });
    expect(facts.steps.map((s) => `${s.kind}:${s.location.line}`)).toEqual([
      "migrate:3",
      "migrate:4",
      "seed:5",
      "seed:6",
      "check:7",
      "server:9",
    ]);
    expect(facts.steps[1].database).toBe("audit");
    expect(facts.steps[4].deployCheck).toBe(true);
  });

  it("sees errexit and which failures are swallowed with or without a message", async () => {
    const facts = await readEntrypointScript(SCRIPT, { file: "entrypoint.sh" });
    expect(facts.errexit).toEqual({ enabled: true, location: { file: "entrypoint.sh", line: 2 } });
    expect(facts.swallowedFailures.map((f) => [f.location.line, f.hasMessage])).toEqual([
      [5, true],
      [6, false],
    ]);
    expect(facts.steps[3].swallowed?.handler).toBe("true");
  });

  it("reads the server bind, tuning, log files and outside calls", async () => {
    const facts = await readEntrypointScript(SCRIPT, { file: "entrypoint.sh" });
    expect(facts.servers[0]).toMatchObject({
      server: "gunicorn",
      usesPortVariable: true,
      workers: "3",
      timeout: "60",
      exec: true,
    });
    expect(facts.logFiles).toEqual([
      { path: "/tmp/access.log", via: "server-option", location: { file: "entrypoint.sh", line: 9 } },
    ]);
    expect(facts.outsideCalls.map((c) => c.kind)).toEqual(["curl"]);
  });

  it("reports a literal port and a missing errexit", async () => {
    const facts = await readEntrypointScript(
      "python manage.py migrate || :\ngunicorn app.wsgi -b 0.0.0.0:8000 > /var/log/app.log\n",
      { file: "start.sh" },
    );
    expect(facts.errexit.enabled).toBe(false);
    expect(facts.servers[0]).toMatchObject({ usesPortVariable: false, literalPort: 8000 });
    expect(facts.logFiles[0]).toMatchObject({ path: "/var/log/app.log", via: "redirect" });
    expect(facts.steps[0].swallowed).toMatchObject({ handler: ":", hasMessage: false });
  });
});
