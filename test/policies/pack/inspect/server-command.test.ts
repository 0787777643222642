import { serverInCommand, serverTarget } from "../../../../policies/pack/inspect/server-command";

describe("serverTarget", () => {
  const targets: Record<string, string | undefined> = {
    "exec gunicorn --bind 0.0.0.0:${PORT} --workers 3 config.wsgi:application": "config.wsgi:application",
    "gunicorn -c gunicorn.conf.py 'app:create_app()'": "app:create_app()",
    "uvicorn config.asgi:application --host 0.0.0.0": "config.asgi:application",
    // runserver loads the settings' WSGI_APPLICATION, not a module named on its command line.
    "python manage.py runserver 0.0.0.0:8000": undefined,
  };
  it.each(Object.entries(targets))("reads the module `%s` starts: %s", (command, target) => {
    expect(serverTarget(command)).toBe(target);
  });
});

describe("serverInCommand", () => {
  it("reads the server, its bind and the module it loads from a shell command", () => {
    const server = serverInCommand([
      "sh",
      "-c",
      "python manage.py migrate && exec gunicorn -b 0.0.0.0:$PORT config.wsgi",
    ]);
    expect(server).toMatchObject({
      server: "gunicorn",
      usesPortVariable: true,
      target: "config.wsgi",
      viaShell: true,
    });
  });
  it("finds no server in a command that starts none", () => {
    expect(serverInCommand(["python", "manage.py", "migrate"])).toBeUndefined();
  });
});
