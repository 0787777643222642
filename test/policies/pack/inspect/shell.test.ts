import { readEntrypointScript, readShell } from "../../../../policies/pack/inspect/entrypoint";
import { loadParser } from "../../../../policies/pack/inspect/grammars";
import { serverInCommand } from "../../../../policies/pack/inspect/server-command";
import {
  classifyCommand,
  conditionHolds,
  readServerOptions,
  type StepCondition,
} from "../../../../policies/pack/inspect/shell";
import { readStartCommand } from "../../../../policies/pack/inspect/start-command";

const kindOf = (command: string) => classifyCommand(command.split(" "))?.kind;

describe("classifyCommand", () => {
  it.each([
    ["python manage.py migrate --noinput", "migrate"],
    ["python manage.py migrate --database=audit", "migrate"],
    ["python manage.py lockdown_audit_db", "lockdown"],
    ["python manage.py seed", "seed"],
    ["python manage.py load_templates", "seed"],
    ["python manage.py loaddata initial.json", "seed"],
    ["python manage.py startup_check", "check"],
    ["python manage.py check --deploy", "check"],
    ["python manage.py check", "manage"],
    ["python manage.py collectstatic --noinput", "collectstatic"],
    ["python manage.py runserver 0.0.0.0:8000", "server"],
    ["gunicorn app.wsgi", "server"],
    ["python -m uvicorn app.asgi:application", "server"],
    ["pg_dump app", "backup"],
    ["pip install -r requirements.txt", "outside-call"],
    ["apt-get -y install curl", "outside-call"],
    ["echo ready", undefined],
  ])("classifies `%s` as %s", (command, kind) => {
    expect(kindOf(command)).toBe(kind);
  });

  it("names the database of an audit migrate", () => {
    expect(classifyCommand("python manage.py migrate --database=audit".split(" "))).toMatchObject({
      kind: "migrate",
      database: "audit",
      label: "manage.py migrate --database=audit",
    });
  });
});

describe("the readers of start commands", () => {
  const script = `set -e
python manage.py migrate
python manage.py lockdown_audit_db
python manage.py seed || echo 'seed failed' >&2
python manage.py check --deploy
exec gunicorn app.wsgi --bind 0.0.0.0:8000`;

  it("agree on the steps of the same script in an entrypoint and in a container command", async () => {
    const entrypoint = await readEntrypointScript(script, { file: "entrypoint.sh" });
    const command = readStartCommand(["sh", "-c", script], await loadParser("bash"));
    const expected = ["migrate", "lockdown", "seed", "check", "server"];
    expect(entrypoint.steps.map((s) => s.kind)).toEqual(expected);
    expect(command.steps.map((s) => s.kind)).toEqual(expected);
  });

  it("agree on the server's options", async () => {
    const entrypoint = await readEntrypointScript("gunicorn app.wsgi -b :8000 -w4 --timeout=30", {
      file: "start.sh",
    });
    const command = serverInCommand(["gunicorn", "app.wsgi", "-b", ":8000", "-w4", "--timeout=30"]);
    const expected = { bind: ":8000", literalPort: 8000, workers: "4", timeout: "30" };
    expect(entrypoint.servers[0]).toMatchObject(expected);
    expect(command).toMatchObject(expected);
  });
});

describe("readServerOptions", () => {
  it("composes a bind from uvicorn's --host and --port", () => {
    expect(readServerOptions("uvicorn", ["--host", "0.0.0.0", "--port", "8000"])).toMatchObject({
      bind: "0.0.0.0:8000",
      literalPort: 8000,
    });
  });

  it("sees a $PORT bind and reads no literal port from it", () => {
    expect(readServerOptions("gunicorn", ["--bind", "0.0.0.0:${PORT:-8000}"])).toMatchObject({
      usesPortVariable: true,
      literalPort: null,
    });
  });

  it("lets the later option win, as gunicorn reads GUNICORN_CMD_ARGS before its command line", () => {
    expect(readServerOptions("gunicorn", ["--workers", "2", "--workers", "5"]).workers).toBe("5");
  });
});

describe("the tests on variables a step runs under", () => {
  const migrateIn = async (script: string) => {
    const { steps } = readStartCommand(["sh", "-c", script], await loadParser("bash"));
    return steps.find((s) => s.kind === "migrate")!.conditions;
  };
  const holds = (condition: StepCondition, env: Record<string, string>) =>
    conditionHolds(condition, (v) => env[v]);

  it("reads an && chain after a test and decides it from the variable", async () => {
    const [condition] = await migrateIn('[ "$RUN_MIGRATIONS" = 1 ] && python manage.py migrate');
    expect(condition).toEqual({
      text: '[ "$RUN_MIGRATIONS" = 1 ]',
      variables: ["RUN_MIGRATIONS"],
      negated: false,
    });
    expect(holds(condition, { RUN_MIGRATIONS: "1" })).toBe(true);
    expect(holds(condition, { RUN_MIGRATIONS: "0" })).toBe(false);
    expect(holds(condition, {})).toBe(false);
  });

  it("reads the if around a step, its else branch negated", async () => {
    const script = 'if [ -z "${SKIP_MIGRATE:-}" ]; then echo hi; else python manage.py migrate; fi';
    const [condition] = await migrateIn(script);
    expect(condition.negated).toBe(true);
    expect(holds(condition, {})).toBe(false);
    expect(holds(condition, { SKIP_MIGRATE: "1" })).toBe(true);
  });

  it("uses a ${VAR:-default} when the variable is unset", async () => {
    const [condition] = await migrateIn('test "${MIGRATE:-yes}" = yes && python manage.py migrate');
    expect(holds(condition, {})).toBe(true);
    expect(holds(condition, { MIGRATE: "no" })).toBe(false);
  });

  it("lists no condition for tests on files, and leaves forms it cannot decide undecided", async () => {
    expect(await migrateIn("[ -f /app/manage.py ] && python manage.py migrate")).toEqual([]);
    const [condition] = await migrateIn('[ "$N" -gt 0 ] && python manage.py migrate');
    expect(holds(condition, { N: "1" })).toBeUndefined();
  });
});

describe("one reading of the condition a step runs under", () => {
  // The entrypoint reader and the command reader both read it with shell.ts (gatingTests).
  const migrateStep = async (script: string) => {
    const parser = await loadParser("bash");
    const command = readStartCommand(["sh", "-c", script], parser).steps.find((s) => s.kind === "migrate")!;
    const entrypoint = readShell(parser, `#!/bin/sh\n${script}\n`, "entrypoint.sh", 0, "/entrypoint.sh");
    const step = entrypoint.steps.find((s) => s.kind === "migrate")!;
    expect({ conditional: command.conditional, conditions: command.conditions }).toEqual({
      conditional: step.conditional,
      conditions: step.conditions,
    });
    return step;
  };
  const variables = (step: { conditions: StepCondition[] }) =>
    step.conditions.map((c) => [c.variables, c.negated]);

  it.each([
    ['[ "$A" = 1 ] && python manage.py migrate', [[["A"], false]]],
    ['[ -z "$A" ] || python manage.py migrate', [[["A"], true]]],
    [
      '[ -n "$A" ] && [ -n "$B" ] && python manage.py migrate',
      [
        [["A"], false],
        [["B"], false],
      ],
    ],
    ['[ -n "$A" ] && echo go && python manage.py migrate', [[["A"], false]]],
    ["[ -f /app/ready ] && python manage.py migrate", []],
  ])("%s runs under a test, on the variables %j", async (script, expected) => {
    const step = await migrateStep(script);
    expect(step.conditional).toBe(true);
    expect(variables(step)).toEqual(expected);
  });

  it.each(["true && python manage.py migrate", "python manage.py check && python manage.py migrate"])(
    "%s runs under no test",
    async (script) => {
      const step = await migrateStep(script);
      expect(step.conditional).toBe(false);
      expect(step.conditions).toEqual([]);
    },
  );
});
