/**
 * The health gate against a local HTTP server on a unix socket that answers like the Docker Engine
 * API (`GET /containers/{name}/json`, `GET /containers/{id}/logs` in the multiplexed stream format),
 * through the gate's real transport.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import {
  awaitHealthy,
  boundedTail,
  type Clock,
  demultiplexLogs,
  engineEndpoint,
  engineRequest,
  gateChanged,
  type EngineRequest,
  type HealthGateInputs,
  healthVerdict,
  type InspectedContainer,
  instanceEngine,
  providerEngineSettings,
  redactSecrets,
  secretValues,
} from "../../../components/docker/health-gate";
import { CREDENTIAL_ENV_NAMES } from "../../../components/docker/environment";

/** One frame of Docker's multiplexed log stream: stream type, three zero bytes, big-endian size. */
function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

const NOW = Date.parse("2026-12-01T12:00:00Z");
const created = (secondsBeforeNow: number) => new Date(NOW - secondsBeforeNow * 1000).toISOString();

/** A container as the engine describes it, `health` its healthcheck status. */
function inspected(health: string | undefined, extra: Partial<InspectedContainer> = {}): InspectedContainer {
  return {
    Id: "c0ffee",
    Created: created(1),
    RestartCount: 0,
    State: {
      Status: "running",
      Running: true,
      ExitCode: 0,
      ...(health ? { Health: { Status: health, FailingStreak: health === "unhealthy" ? 3 : 0 } } : {}),
    },
    Config: { Tty: false },
    ...extra,
  };
}

describe("healthVerdict", () => {
  it("waits while there is no container of that name, and while it is starting", () => {
    expect(healthVerdict(undefined, NOW)).toMatchObject({ kind: "waiting" });
    expect(healthVerdict(inspected("starting"), NOW)).toEqual({ kind: "waiting", why: "starting" });
  });

  it("passes a healthy container, however old (a gate created for a container already serving)", () => {
    expect(healthVerdict(inspected("healthy", { Created: created(86_400) }), NOW)).toEqual({
      kind: "healthy",
    });
  });

  it("waits past an old container that is not healthy: the failed one this update replaces", () => {
    const verdict = healthVerdict(inspected("unhealthy", { Created: created(200) }), NOW);
    expect(verdict).toMatchObject({ kind: "waiting", stale: true });
  });

  it("fails an unhealthy, exited or crash-looping container, saying which", () => {
    expect(healthVerdict(inspected("unhealthy"), NOW)).toMatchObject({
      kind: "failed",
      reason: expect.stringContaining("healthcheck failed 3 times"),
    });
    const exited = inspected("starting", {
      State: { Status: "exited", ExitCode: 3, Health: { Status: "starting" } },
    });
    expect(healthVerdict(exited, NOW)).toEqual({ kind: "failed", reason: "it exited with code 3" });
    const looping = inspected("starting", { RestartCount: 2 });
    expect(healthVerdict(looping, NOW)).toMatchObject({
      kind: "failed",
      reason: expect.stringContaining("restarted it 2 times"),
    });
    expect(healthVerdict(inspected(undefined), NOW)).toMatchObject({
      kind: "failed",
      reason: expect.stringContaining("no healthcheck"),
    });
  });
});

describe("logs", () => {
  it("demultiplexes Docker's stream format, and reads a TTY container's raw text as it is", () => {
    const body = Buffer.concat([
      frame(1, "Booting worker\n"),
      frame(2, "Traceback (most recent call last):\n"),
    ]);
    expect(demultiplexLogs(body, false)).toBe("Booting worker\nTraceback (most recent call last):\n");
    expect(demultiplexLogs(Buffer.from("raw\n"), true)).toBe("raw\n");
    // A body that is not framed after all (an engine answering with raw text) stays text.
    expect(demultiplexLogs(Buffer.from("plain text log line\n"), false)).toBe("plain text log line\n");
  });

  it("keeps a bounded tail", () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n") + "\n";
    expect(boundedTail(text, 3)).toBe("line 97\nline 98\nline 99");
    expect(boundedTail("x".repeat(20_000), 1).length).toBeLessThanOrEqual(8003);
  });

  it("redacts every credential env value: whole values, fallback keys, URL passwords as written and decoded", () => {
    const envs = [
      "DJANGO_SETTINGS_MODULE=app.settings",
      "SECRET_KEY=k3y-current-value",
      "SECRET_KEY_FALLBACKS=k3y-previous-one,k3y-previous-two",
      "DATABASE_URL=postgres://app:p%40ss-word-1@app-db:5432/app",
      "AUDIT_DATABASE_URL=postgres://audit_writer:writer-pass-2@audit-db:5432/audit",
    ];
    const secrets = secretValues(envs, CREDENTIAL_ENV_NAMES);
    expect(secrets).not.toContain("app.settings");
    const log = [
      "SECRET_KEY is k3y-current-value",
      "old k3y-previous-two",
      "connect p@ss-word-1 and p%40ss-word-1 and writer-pass-2",
      "settings app.settings",
    ].join("\n");
    const redacted = redactSecrets(log, secrets);
    for (const secret of [
      "k3y-current-value",
      "k3y-previous-two",
      "p@ss-word-1",
      "p%40ss-word-1",
      "writer-pass-2",
    ]) {
      expect(redacted).not.toContain(secret);
    }
    expect(redacted).toContain("settings app.settings");
  });
});

/** A stack's `docker:*` config holding `values`. */
const config = (values: Record<string, unknown>) => ({
  get: (key: string) => values[key] as string | undefined,
  getObject: <T>(key: string) => values[key] as T | undefined,
});

describe("where the engine is", () => {
  it("reads docker:host, else DOCKER_HOST, else the local socket, as pulumi-docker does", () => {
    expect(engineEndpoint(providerEngineSettings(config({}), {}))).toEqual({
      kind: "unix",
      socketPath: "/var/run/docker.sock",
    });
    expect(
      engineEndpoint(providerEngineSettings(config({}), { DOCKER_HOST: "tcp://10.0.0.5:2375" })),
    ).toEqual({
      kind: "tcp",
      host: "10.0.0.5",
      port: 2375,
    });
    const tls = providerEngineSettings(
      config({ host: "tcp://docker.example.org:2376", certPath: "/certs" }),
      {
        DOCKER_HOST: "unix:///ignored.sock",
      },
    );
    expect(engineEndpoint(tls)).toEqual({
      kind: "tcp",
      host: "docker.example.org",
      port: 2376,
      certPath: "/certs",
    });
  });

  it("reaches an ssh:// host through `docker system dial-stdio`, with the provider's ssh options", () => {
    const ssh = providerEngineSettings(
      config({ host: "ssh://deploy@agency.example.org:2222", sshOpts: ["-o", "StrictHostKeyChecking=yes"] }),
      {},
    );
    expect(engineEndpoint(ssh)).toEqual({
      kind: "ssh",
      host: "agency.example.org",
      user: "deploy",
      port: 2222,
      sshOptions: ["-o", "StrictHostKeyChecking=yes"],
    });
  });

  it("uses an instance's own docker.host over the stack's config, and refuses an address it cannot reach", () => {
    expect(instanceEngine("ssh://root@vps.example.org", config({ host: "unix:///other.sock" }), {})).toEqual({
      kind: "ssh",
      host: "vps.example.org",
      user: "root",
    });
    expect(() => instanceEngine("npipe:////./pipe/docker_engine", config({}), {})).toThrow(
      /unix:\/\/, tcp:\/\/ or ssh:\/\//,
    );
  });
});

describe("gateChanged", () => {
  const base: HealthGateInputs = {
    containerName: "riverside-web-0123456789ab",
    containerDigest: "d1",
    endpoint: { kind: "unix", socketPath: "/var/run/docker.sock" },
    timeoutSeconds: 180,
    pollSeconds: 2,
    tailLines: 60,
    redact: [],
  };
  it("waits again for a new release or a replaced container, not for a new secret alone", () => {
    expect(gateChanged(base, { ...base })).toBe(false);
    expect(gateChanged(base, { ...base, containerName: "riverside-web-ba9876543210" })).toBe(true);
    expect(gateChanged(base, { ...base, containerDigest: "d2" })).toBe(true);
    expect(gateChanged(base, { ...base, redact: ["new-secret-value"] })).toBe(false);
  });
});

type EngineAnswer = (url: string, asked: number) => { status: number; body: Buffer | object };

/** The stand-in engine's request handler: answers from `answer`, records every path asked in `asked`. */
function engineApi(answer: EngineAnswer, asked: string[]): http.RequestListener {
  return (req, res) => {
    asked.push(req.url ?? "");
    const { status, body } = answer(req.url ?? "", asked.length);
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    res.writeHead(status, {
      "content-type": Buffer.isBuffer(body)
        ? "application/vnd.docker.multiplexed-stream"
        : "application/json",
    });
    res.end(raw);
  };
}

/** A stand-in Docker engine on a unix socket: answers from `answer`, records every path asked. */
async function fakeEngine(answer: EngineAnswer) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "health-gate-"));
  const socketPath = path.join(dir, "docker.sock");
  const asked: string[] = [];
  const server = http.createServer(engineApi(answer, asked));
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    asked,
    socketPath,
    request: engineRequest({ kind: "unix", socketPath }),
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => (fs.rmSync(dir, { recursive: true, force: true }), resolve())),
      ),
  };
}

/** A clock that does not wait: each sleep advances time by the requested amount. */
function fakeClock(): Clock {
  let now = Date.now();
  return { now: () => now, sleep: async (ms) => void (now += ms) };
}

const NAME = "riverside-web-0123456789ab";
const INPUTS: HealthGateInputs = {
  containerName: NAME,
  containerDigest: "d1",
  endpoint: { kind: "unix", socketPath: "unused" },
  timeoutSeconds: 180,
  pollSeconds: 2,
  tailLines: 60,
  redact: ["s3cret-key-value"],
};
const live = (health: string, extra: Partial<InspectedContainer> = {}) =>
  inspected(health, { Created: new Date().toISOString(), ...extra });

describe("awaitHealthy against a stand-in Docker engine", () => {
  it("resolves once the container turns healthy, after a few polls", async () => {
    const engine = await fakeEngine((_url, n) => ({
      status: 200,
      body: live(n < 3 ? "starting" : "healthy"),
    }));
    try {
      const outs = await awaitHealthy(engine.request, fakeClock(), INPUTS);
      expect(outs.containerId).toBe("c0ffee");
      expect(engine.asked).toEqual([1, 2, 3].map(() => `/containers/${NAME}/json`));
    } finally {
      await engine.close();
    }
  });

  it("fails an unhealthy container with its last log lines, secrets redacted", async () => {
    const logs = Buffer.concat([
      frame(2, "django.core.exceptions.ImproperlyConfigured: SECRET_KEY s3cret-key-value is too short\n"),
      frame(1, "[ERROR] Worker failed to boot.\n"),
    ]);
    const engine = await fakeEngine((url) =>
      url.includes("/logs?") ? { status: 200, body: logs } : { status: 200, body: live("unhealthy") },
    );
    try {
      const failure = awaitHealthy(engine.request, fakeClock(), INPUTS);
      await expect(failure).rejects.toThrow(
        /Web container riverside-web-0123456789ab did not become healthy: its healthcheck failed 3 times/,
      );
      const message = await failure.catch((e: Error) => e.message);
      expect(message).toContain(
        "  | django.core.exceptions.ImproperlyConfigured: SECRET_KEY [redacted] is too short",
      );
      expect(message).toContain("  | [ERROR] Worker failed to boot.");
      expect(message).not.toContain("s3cret-key-value");
      expect(message).toContain("keeps serving");
      expect(engine.asked.at(-1)).toBe("/containers/c0ffee/logs?stdout=1&stderr=1&tail=60");
    } finally {
      await engine.close();
    }
  });

  it("waits through a container that is not there yet, and past the failed one being replaced", async () => {
    // The failed container of the last `up` (old, unhealthy), then none (deleted), then the new one.
    const engine = await fakeEngine((_url, n) => {
      if (n === 1)
        return {
          status: 200,
          body: inspected("unhealthy", { Created: new Date(Date.now() - 600_000).toISOString() }),
        };
      if (n === 2) return { status: 404, body: { message: `No such container: ${NAME}` } };
      return { status: 200, body: live(n === 3 ? "starting" : "healthy") };
    });
    try {
      await expect(awaitHealthy(engine.request, fakeClock(), INPUTS)).resolves.toMatchObject({
        containerId: "c0ffee",
      });
      expect(engine.asked).toHaveLength(4);
    } finally {
      await engine.close();
    }
  });

  it("times out on a container that never appears, saying so", async () => {
    const engine = await fakeEngine(() => ({ status: 404, body: { message: `No such container: ${NAME}` } }));
    try {
      await expect(awaitHealthy(engine.request, fakeClock(), INPUTS)).rejects.toThrow(
        /did not become healthy: it was still not created yet after 180s[\s\S]*\(it wrote nothing\)/,
      );
    } finally {
      await engine.close();
    }
  });

  it("fails on an engine error, with the engine's message", async () => {
    const engine = await fakeEngine(() => ({ status: 500, body: { message: "server error: disk full" } }));
    try {
      await expect(awaitHealthy(engine.request, fakeClock(), INPUTS)).rejects.toThrow(
        `Inspecting container ${NAME}: the Docker engine answered HTTP 500 (server error: disk full)`,
      );
    } finally {
      await engine.close();
    }
  });

  it("still fails with the reason when the logs cannot be read", async () => {
    const engine = await fakeEngine((url) =>
      url.includes("/logs?")
        ? { status: 404, body: { message: "No such container" } }
        : { status: 200, body: live("starting", { State: { Status: "exited", ExitCode: 1 } }) },
    );
    try {
      await expect(awaitHealthy(engine.request, fakeClock(), INPUTS)).rejects.toThrow(
        /it exited with code 1[\s\S]*its logs could not be read: HTTP 404/,
      );
    } finally {
      await engine.close();
    }
  });
});

describe("an ssh:// engine", () => {
  it("is asked through `ssh ... docker system dial-stdio`, HTTP over its stdio", async () => {
    const engine = await fakeEngine(() => ({ status: 200, body: live("healthy") }));
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-ssh-"));
    const argsFile = path.join(bin, "args.json");
    // A stand-in for ssh + `docker system dial-stdio` on the host: its stdio joined to the engine's socket.
    fs.writeFileSync(
      path.join(bin, "ssh"),
      [
        `#!${process.execPath}`,
        `require("fs").writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));`,
        `const socket = require("net").connect(process.env.FAKE_ENGINE_SOCKET);`,
        "process.stdin.pipe(socket);",
        "socket.pipe(process.stdout);",
      ].join("\n"),
      { mode: 0o755 },
    );
    const saved = { PATH: process.env.PATH, FAKE_ENGINE_SOCKET: process.env.FAKE_ENGINE_SOCKET };
    process.env.PATH = `${bin}:${process.env.PATH}`;
    process.env.FAKE_ENGINE_SOCKET = engine.socketPath;
    try {
      const request = engineRequest({ kind: "ssh", host: "127.0.0.1", user: "deploy", port: 2222 });
      await expect(awaitHealthy(request, fakeClock(), INPUTS)).resolves.toMatchObject({
        containerId: "c0ffee",
      });
      expect(JSON.parse(fs.readFileSync(argsFile, "utf8"))).toEqual([
        "-l",
        "deploy",
        "-p",
        "2222",
        "-T",
        "127.0.0.1",
        "--",
        "docker",
        "system",
        "dial-stdio",
      ]);
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.FAKE_ENGINE_SOCKET === undefined) delete process.env.FAKE_ENGINE_SOCKET;
      else process.env.FAKE_ENGINE_SOCKET = saved.FAKE_ENGINE_SOCKET;
      fs.rmSync(bin, { recursive: true, force: true });
      await engine.close();
    }
  });
});

/**
 * Certificates as for `dockerd --tlsverify`, made by openssl: a CA, the engine's certificate for
 * 127.0.0.1 (serverAuth) and a client's (clientAuth) in the layout DOCKER_CERT_PATH names
 * (ca.pem, cert.pem, key.pem). `clientCa` signs the client's: another CA makes one the engine refuses.
 */
function dockerTlsCertificates(dir: string, clientCa: "same" | "other" = "same") {
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const ca = (name: string) =>
    openssl(
      "req",
      "-x509",
      ...newKey,
      "-keyout",
      `${name}-key.pem`,
      "-out",
      `${name}.pem`,
      "-days",
      "1",
      "-subj",
      `/CN=${name}`,
    );
  let serial = 0;
  const signed = (name: string, signer: string, extensions: string) => {
    fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
    openssl("req", ...newKey, "-keyout", `${name}-key.pem`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${signer}.pem`,
      "-CAkey",
      `${signer}-key.pem`,
      "-set_serial",
      String((serial += 1)),
      "-days",
      "1",
      "-out",
      `${name}-cert.pem`,
      "-extfile",
      `${name}.ext`,
    );
  };
  ca("engine-ca");
  if (clientCa === "other") ca("other-ca");
  signed("engine", "engine-ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  signed("client", clientCa === "same" ? "engine-ca" : "other-ca", "extendedKeyUsage=clientAuth\n");
  const certPath = path.join(dir, "client-certs");
  fs.mkdirSync(certPath);
  fs.copyFileSync(path.join(dir, "engine-ca.pem"), path.join(certPath, "ca.pem"));
  fs.copyFileSync(path.join(dir, "client-cert.pem"), path.join(certPath, "cert.pem"));
  fs.copyFileSync(path.join(dir, "client-key.pem"), path.join(certPath, "key.pem"));
  const read = (file: string) => fs.readFileSync(path.join(dir, file));
  return {
    certPath,
    engine: { ca: read("engine-ca.pem"), cert: read("engine-cert.pem"), key: read("engine-key.pem") },
  };
}

describe("a tcp:// engine with TLS (DOCKER_CERT_PATH)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "health-gate-tls-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The stand-in engine over HTTPS on loopback, requiring a client certificate its CA signed. */
  async function tlsEngine(answer: EngineAnswer, tls: { ca: Buffer; cert: Buffer; key: Buffer }) {
    const asked: string[] = [];
    const clients: string[] = [];
    const server = https.createServer({ ...tls, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      clients.push(String((req.socket as import("tls").TLSSocket).getPeerCertificate().subject?.CN));
      engineApi(answer, asked)(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as import("net").AddressInfo;
    return {
      asked,
      clients,
      port,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it("waits for the container over HTTPS with the client certificate from DOCKER_CERT_PATH", async () => {
    const certs = dockerTlsCertificates(dir);
    const engine = await tlsEngine(
      (_url, n) => ({ status: 200, body: live(n < 2 ? "starting" : "healthy") }),
      certs.engine,
    );
    try {
      const endpoint = engineEndpoint(
        providerEngineSettings(config({ host: `tcp://127.0.0.1:${engine.port}` }), {
          DOCKER_CERT_PATH: certs.certPath,
        }),
      );
      expect(endpoint).toEqual({
        kind: "tcp",
        host: "127.0.0.1",
        port: engine.port,
        certPath: certs.certPath,
      });
      await expect(awaitHealthy(engineRequest(endpoint), fakeClock(), INPUTS)).resolves.toMatchObject({
        containerId: "c0ffee",
      });
      expect(engine.asked).toEqual([1, 2].map(() => `/containers/${NAME}/json`));
      expect(engine.clients).toEqual(["client", "client"]);
    } finally {
      await engine.close();
    }
  });

  /**
   * `check` the gate's transport to a TLS engine answering `answer`, asking it at `host` with a
   * client certificate `clientCa` signed.
   */
  async function overTls(
    answer: EngineAnswer,
    check: (
      request: EngineRequest,
      engine: { port: number; asked: string[] },
      certPath: string,
    ) => Promise<void>,
    { host = "127.0.0.1", clientCa = "same" }: { host?: string; clientCa?: "same" | "other" } = {},
  ) {
    const certs = dockerTlsCertificates(dir, clientCa);
    const engine = await tlsEngine(answer, certs.engine);
    try {
      await check(
        engineRequest({ kind: "tcp", host, port: engine.port, certPath: certs.certPath }),
        engine,
        certs.certPath,
      );
    } finally {
      await engine.close();
    }
  }
  const healthy = () => ({ status: 200, body: live("healthy") });

  it("reads the logs of a failed container over the same connection settings", async () => {
    const logs = frame(2, "[ERROR] Worker failed to boot.\n");
    await overTls(
      (url) =>
        url.includes("/logs?") ? { status: 200, body: logs } : { status: 200, body: live("unhealthy") },
      async (request) => {
        await expect(awaitHealthy(request, fakeClock(), INPUTS)).rejects.toThrow(
          "  | [ERROR] Worker failed to boot.",
        );
      },
    );
  });

  it("refuses an engine whose certificate is not for the host it asks", async () => {
    // The engine's certificate names 127.0.0.1 only.
    await overTls(
      healthy,
      async (request, engine) => {
        await expect(awaitHealthy(request, fakeClock(), INPUTS)).rejects.toThrow(
          /Could not reach the Docker engine at tcp:\/\/localhost:\d+ .*: Hostname\/IP does not match certificate's altnames/,
        );
        expect(engine.asked).toEqual([]);
      },
      { host: "localhost" },
    );
  });

  it("is refused by the engine with a client certificate another CA signed", async () => {
    await overTls(
      healthy,
      async (request, engine, certPath) => {
        await expect(awaitHealthy(request, fakeClock(), INPUTS)).rejects.toThrow(
          `Could not reach the Docker engine at tcp://127.0.0.1:${engine.port} (TLS, certificates from ${certPath}): `,
        );
        // The engine refused the handshake (the first test's certificate, from its own CA, is let in).
        expect(engine.asked).toEqual([]);
      },
      { clientCa: "other" },
    );
  });
});
