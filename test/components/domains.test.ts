/**
 * `domains` as a Pulumi input: what is known when the instance is declared is validated then, the
 * rest once it resolves; an Output domain reaches the Caddyfile, ALLOWED_HOSTS, the probes and the
 * URL exactly as a plain one does, and one unknown during a preview leaves only what it names unknown.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../components/config";
import { DockerAgencyInstance } from "../../components/docker/instance";
import { declaredDomains, domainIssues } from "../../components/domains";
import { CapturedResource, installCapture, ResourceCapture, valueOf } from "../support/capture";
import { riversideArgs } from "../support/docker-instance";
import { deployWithFailing } from "../support/failed-deployment";
import { FIXTURES_DIR, REPO_ROOT } from "../support/paths";
import { checkStack } from "../../policies/command/offline/check";
import { buildReport, toJsonReport } from "../../policies/command/report";

const CONTAINER = "docker:index/container:Container";

describe("domainIssues", () => {
  it("checks the hostnames it knows and leaves pending ones for later", () => {
    expect(domainIssues(["a.example.org", pulumi.output("later"), "not a host"])).toEqual([
      { path: [2], message: "must be a hostname" },
    ]);
    expect(domainIssues(pulumi.output(["whatever"]))).toEqual([]);
    expect(domainIssues(Promise.resolve([]))).toEqual([]);
  });

  it("names a missing, empty or mistyped list the way the other settings are named", () => {
    expect(domainIssues(undefined)).toEqual([{ path: [], message: "is required" }]);
    expect(domainIssues([])).toEqual([{ path: [], message: "must list at least one domain" }]);
    expect(domainIssues("a.example.org")).toEqual([{ path: [], message: "must be array" }]);
    expect(domainIssues([42])).toEqual([{ path: [0], message: "must be string" }]);
  });
});

describe("declaredDomains", () => {
  it("keeps what was known at declaration and marks the rest", () => {
    expect(declaredDomains(["a.example.org", pulumi.output("b.example.org")])).toEqual([
      "a.example.org",
      null,
    ]);
    expect(declaredDomains(pulumi.output(["a.example.org"]))).toBeNull();
  });
});

/** A resource whose `fqdn` no mock returns: unknown during a preview, as before the resource exists. */
class Zone extends pulumi.CustomResource {
  declare readonly fqdn: pulumi.Output<string>;
  constructor(name: string) {
    super("test:index:Zone", name, { fqdn: undefined });
  }
}

/** How the capture sees a value unknown during a preview. */
const UNKNOWN = expect.objectContaining({ __pulumiUnknown: true });

describe("DockerAgencyInstance given domains as inputs", () => {
  // The web container's release key (only domains known when declared name it, declaredDomains)
  // and the jobs' fresh attempts differ from run to run.
  const withoutReleaseKey = (text: string) =>
    text
      .replace(/riverside-web-(server-)?[0-9a-f]{12}/g, "riverside-web")
      .replace(/"[0-9a-z]{8}-[0-9a-f]{8}"/g, '"attempt"');
  const containers = (capture: ResourceCapture) =>
    JSON.parse(
      withoutReleaseKey(JSON.stringify(capture.ofType(CONTAINER).map((r) => [r.name, r.inputs]))),
    ) as unknown;

  async function deploy(domains: pulumi.Input<pulumi.Input<string>[]>, preview = false) {
    const capture = installCapture({ preview });
    const instance = new DockerAgencyInstance("riverside", riversideArgs({ domains }));
    if (!preview) await valueOf(instance.url);
    await capture.settled();
    return { capture, instance };
  }

  it("reports a known bad hostname before registering anything, whatever else is an Output", async () => {
    const capture = installCapture();
    const declare = () =>
      new DockerAgencyInstance(
        "riverside",
        riversideArgs({ domains: [pulumi.output("a.example.org"), "no way"] }),
      );
    expect(declare).toThrow(ConfigError);
    expect(declare).toThrow(
      'Invalid arguments of DockerAgencyInstance "riverside":\n  - args.domains[1] must be a hostname',
    );
    await capture.settled();
    expect(capture.resources).toEqual([]);
  });

  it("deploys Output domains exactly as the same plain ones", async () => {
    const plain = await deploy(["riverside.example.org", "www.riverside.example.org"]);
    const outputs = await deploy(
      pulumi.output([pulumi.output("riverside.example.org"), "www.riverside.example.org"]),
    );
    expect(containers(outputs.capture)).toEqual(containers(plain.capture));
    expect(await valueOf(outputs.instance.url)).toBe("https://riverside.example.org");
    expect(await valueOf(outputs.instance.healthUrl)).toBe("https://riverside.example.org/healthz/");
  });

  it("probes the web container as the canonical domain an Output resolved to", async () => {
    const { capture } = await deploy([pulumi.output("riverside.example.org"), "www.riverside.example.org"]);
    const web = capture.ofType(CONTAINER).find((r) => /-web-server-/.test(r.name))!;
    const { tests } = web.inputs.healthcheck as { tests: string[] };
    expect(tests.slice(0, 3)).toEqual(["CMD", "python", "-c"]);
    expect(tests[3]).toContain('headers={"Host": "riverside.example.org", "X-Forwarded-Proto": "https"}');
  });

  it("during a preview, leaves only what names an unknown domain unknown", async () => {
    const { capture } = await deploy([new Zone("zone").fqdn], true);
    const env = (r: CapturedResource) => r.inputs.envs as string[];
    const web = capture.ofType(CONTAINER).find((r) => /-web-server-/.test(r.name))!;
    expect(env(web)).toContain("DEBUG=False");
    expect(env(web)).toContain("DJANGO_SETTINGS_MODULE=config.settings.production");
    // ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS, and nothing else.
    expect(env(web).filter((entry) => typeof entry !== "string")).toEqual([UNKNOWN, UNKNOWN]);
    // The readiness probe's Host header, from the same resolved domains.
    expect(web.inputs.healthcheck).toMatchObject({ tests: UNKNOWN, interval: "15s" });
    const proxy = capture.one(CONTAINER, "riverside-proxy-server");
    expect(proxy.inputs.envs).toEqual([UNKNOWN]);
    expect(proxy.inputs.image).not.toBe(UNKNOWN);
  });

  it("fails the resources that use an Output domain that resolves to no hostname, naming the argument", () => {
    const { containers, errors } = deployWithFailing("none", { outputDomain: "not a host" });
    expect(errors.join("\n")).toContain(
      'Invalid arguments of DockerAgencyInstance "riverside":\n  - args.domains[0] must be a hostname',
    );
    expect(containers).toContain("riverside-db-server");
    for (const gated of ["release-job", "web-server", "proxy-server", "route-switch-job"]) {
      expect(containers.filter((c) => c.startsWith(`riverside-${gated}`))).toEqual([]);
    }
  });
});

describe("the pack, previewing an instance whose canonical domain is not known yet", () => {
  it("reports what the domain names as not verifiable, and fails nothing", async () => {
    // test/fixtures/output-domain: the domain is a DNS record's computed name.
    const check = await checkStack({
      programDir: path.join(FIXTURES_DIR, "output-domain"),
      stack: "preview",
      policyPacks: [path.join(REPO_ROOT, "policies")],
    });
    const report = toJsonReport(
      buildReport(check.events, { stack: check.stack, project: check.project, mode: check.mode }),
    );
    expect(report.preview).toBe(true);
    const findings = report.items.flatMap((item) =>
      item.findings.map((finding) => ({ id: item.id, ...finding })),
    );
    expect(findings.filter((finding) => finding.kind === "violation")).toEqual([]);
    // Only the items that read ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS (CH-5, CH-6), the entries that
    // name it, say so, naming the variable; every other item judges what it can read.
    expect(
      findings
        .filter((finding) => finding.kind === "unverifiable")
        .map((finding) => [finding.id, finding.message]),
    ).toEqual([
      [
        "CH-5",
        expect.stringMatching(
          /may set ALLOWED_HOSTS in envs\.\d+, which is not known until the deployment runs/,
        ),
      ],
      [
        "CH-6",
        expect.stringMatching(
          /may set CSRF_TRUSTED_ORIGINS in envs\.\d+, which is not known until the deployment runs/,
        ),
      ],
    ]);
  }, 180_000);
});
