import { parse } from "shell-quote";
import { parseInstanceSettings } from "../../components/config";
import { gunicornArguments, gunicornCommand } from "../../components/gunicorn";

const settings = (gunicorn = {}) =>
  parseInstanceSettings({
    agency: "riverside",
    domains: ["a.example.org"],
    image: { ref: "app:1" },
    gunicorn,
  });

describe("gunicornCommand (both targets)", () => {
  it("is what sh runs: exec gunicorn with $PORT expanded and every other argument intact", () => {
    const argv = parse(gunicornCommand(settings({ workers: 3 })), { PORT: "8000" });
    expect(argv).toEqual([
      "exec",
      "gunicorn",
      ...gunicornArguments(settings({ workers: 3 })).map((a) => a.replace("${PORT}", "8000")),
    ]);
    expect(argv).toContain("config.wsgi:application");
    expect(argv.slice(argv.indexOf("--bind"), argv.indexOf("--bind") + 2)).toEqual([
      "--bind",
      "0.0.0.0:8000",
    ]);
  });

  it("opens no control socket: HOME is on the read-only root in the Docker containers", () => {
    expect(gunicornArguments(settings())).toContain("--no-control-socket");
  });

  it("puts the WSGI target last and logs to stdout/stderr", () => {
    const args = gunicornArguments(settings());
    expect(args[args.length - 1]).toBe("config.wsgi:application");
    expect(args.join(" ")).toContain("--access-logfile - --error-logfile -");
  });
});
