import { readContainerHealthcheck, readHealthProbe } from "../../../../policies/pack/inspect/health-probe";
import { UNKNOWN } from "../../../../policies/protocol";

describe("readHealthProbe", () => {
  it.each([
    ["curl -fsS http://127.0.0.1:8000/healthz/", { http: true, urlPath: "/healthz/", postgres: false }],
    [
      "python -c urlopen('http://localhost:8000/readyz/')",
      { http: true, urlPath: "/readyz/", postgres: false },
    ],
    ["wget -q -O- localhost:8000", { http: true, urlPath: null, postgres: false }],
    ["python -c import httpx; httpx.get(u)", { http: true, urlPath: null, postgres: false }],
    ["pg_isready -q -U app", { http: false, urlPath: null, postgres: true }],
    ["/usr/bin/pg_isready", { http: false, urlPath: null, postgres: true }],
    ["test -f /tmp/alive", { http: false, urlPath: null, postgres: false }],
    ["echo pg_isready_wrapper", { http: false, urlPath: null, postgres: false }],
  ])("reads what %s probes", (command, probe) => {
    expect(readHealthProbe(command)).toEqual(probe);
  });
});

describe("readContainerHealthcheck", () => {
  it("tells a container without a test from one with a test switched off", () => {
    expect(readContainerHealthcheck([])).toMatchObject({ set: false, off: false, unknown: false });
    expect(readContainerHealthcheck(["NONE"])).toMatchObject({ set: true, off: true });
  });
  it("reads the known words of a test and says when a part is unknown until deployment", () => {
    const check = readContainerHealthcheck(["CMD-SHELL", "pg_isready -q", UNKNOWN]);
    expect(check).toMatchObject({ set: true, unknown: true, probe: { postgres: true } });
  });
  it("skips values that are not text instead of failing on them", () => {
    expect(readContainerHealthcheck([42, null, "curl http://x/healthz"])).toMatchObject({
      set: true,
      probe: { http: true, urlPath: "/healthz" },
    });
  });
});
