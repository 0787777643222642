import { defaultReleaseSteps } from "../../../../components/config";
import { releaseScript } from "../../../../components/release";
import { loadParser } from "../../../../policies/pack/inspect/grammars";
import { readStartCommand } from "../../../../policies/pack/inspect/start-command";

const read = async (argv: string[]) => readStartCommand(argv, await loadParser("bash"));

const summary = async (argv: string[]) => (await read(argv)).steps.map((s) => `${s.kind}:${s.onFailure}`);

/** The steps of a `sh -c` script. */
const sh = (script: string) => summary(["sh", "-c", script]);

describe("readStartCommand", () => {
  it("reads the components' release script: abort steps abort, warn steps warn", async () => {
    expect(await summary(["sh", "-c", releaseScript(defaultReleaseSteps("demo"))])).toEqual([
      "migrate:aborts",
      "migrate:aborts",
      "lockdown:aborts",
      "seed:warns",
      "check:warns",
    ]);
  });

  it("follows errexit, || handlers and the && exemption", async () => {
    expect(
      await sh(
        "set -e\npython manage.py migrate || true\npython manage.py seed || echo WARN >&2\nexec gunicorn app.wsgi",
      ),
    ).toEqual(["migrate:silent", "seed:warns", "server:aborts"]);
    expect(await sh("python manage.py migrate && gunicorn app.wsgi")).toEqual([
      "migrate:aborts",
      "server:aborts",
    ]);
    expect(await sh("set -e; python manage.py migrate && python manage.py seed; gunicorn app.wsgi")).toEqual([
      "migrate:continues",
      "seed:aborts",
      "server:aborts",
    ]);
    expect(
      await summary(["sh", "-ec", "if ! python manage.py startup_check; then echo bad >&2; exit 1; fi"]),
    ).toEqual(["check:aborts"]);
    expect(await summary(["python", "manage.py", "migrate", "--database=audit"])).toEqual(["migrate:aborts"]);
  });

  it("reports steps hidden in shell functions as unreadable", async () => {
    expect((await read(["sh", "-c", "run() { python manage.py migrate; }\nrun"])).opaque).not.toBeNull();
  });
});
