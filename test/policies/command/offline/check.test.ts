/**
 * The stack config `check` hands the program: the stack file, then what a --context app
 * declares (only where the stack file is silent), then --config, then --mode.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { effectiveConfig, type CheckOptions } from "../../../../policies/command/offline/check";
import { loadProject, type PulumiProject } from "../../../../policies/command/offline/project";
import { REPO_ROOT } from "../../../support/paths";

const SAMPLE_APP = path.join(REPO_ROOT, "stacks", "sample-app");

let tmp: string;
let project: PulumiProject;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-effective-"));
  fs.writeFileSync(path.join(tmp, "Pulumi.yaml"), "name: agency-deploy\nruntime: nodejs\n");
  project = loadProject(tmp);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function stack(name: string, yaml: string): CheckOptions {
  fs.writeFileSync(path.join(tmp, `Pulumi.${name}.yaml`), yaml);
  return { programDir: tmp, stack: name, policyPacks: [] };
}

function objectAt(values: Record<string, string>, key: string): Record<string, unknown> {
  return JSON.parse(values[key] ?? "{}") as Record<string, unknown>;
}

const PULLED_IMAGE = `config:
  agency-deploy:mode: production
  agency-deploy:image:
    ref: registry.example.org/app:1.0
`;

/** The image and django objects the program reads from the config. */
function sections(values: Record<string, string>): { image: object; django: object } {
  return { image: objectAt(values, "agency-deploy:image"), django: objectAt(values, "agency-deploy:django") };
}

describe("--context", () => {
  it("replaces the image with the app's build context and fills in what the app declares", () => {
    const { values } = effectiveConfig(project, { ...stack("a", PULLED_IMAGE), context: SAMPLE_APP });
    expect(sections(values)).toEqual({
      image: { context: SAMPLE_APP, dockerfile: "Dockerfile", target: "runtime" },
      django: { settingsModule: "config.settings.production", wsgiModule: "config.wsgi:application" },
    });
  });

  it("keeps every value the stack config sets over what the app declares", () => {
    const yaml = `config:
  agency-deploy:image:
    target: builder
  agency-deploy:django:
    settingsModule: config.settings.staging
`;
    const { values } = effectiveConfig(project, { ...stack("b", yaml), context: SAMPLE_APP });
    expect(sections(values)).toEqual({
      image: expect.objectContaining({ target: "builder", dockerfile: "Dockerfile" }),
      django: { settingsModule: "config.settings.staging", wsgiModule: "config.wsgi:application" },
    });
  });

  it("picks no production stage when --mode or --config makes the stack a demo", () => {
    const byMode = effectiveConfig(project, {
      ...stack("c", PULLED_IMAGE),
      context: SAMPLE_APP,
      mode: "demo",
    });
    const byConfig = effectiveConfig(project, {
      ...stack("c", PULLED_IMAGE),
      context: SAMPLE_APP,
      config: ["mode=demo"],
    });
    for (const { values } of [byMode, byConfig]) {
      expect(objectAt(values, "agency-deploy:image")).not.toHaveProperty("target");
      expect(values["agency-deploy:mode"]).toBe("demo");
    }
  });
});

describe("--config and --mode", () => {
  it("--config wins over both the stack file and the app's declarations", () => {
    const { values } = effectiveConfig(project, {
      ...stack("d", PULLED_IMAGE),
      context: SAMPLE_APP,
      config: ["image.target=final", "agency-deploy:replicas=2"],
    });
    expect(objectAt(values, "agency-deploy:image")).toMatchObject({ target: "final" });
    expect(values["agency-deploy:replicas"]).toBe("2");
  });

  it("--mode wins over a --config of the mode", () => {
    const { values } = effectiveConfig(project, {
      ...stack("e", PULLED_IMAGE),
      config: ["mode=production"],
      mode: "demo",
    });
    expect(values["agency-deploy:mode"]).toBe("demo");
  });

  it("without --context the image the stack names is kept", () => {
    const { values } = effectiveConfig(project, stack("f", PULLED_IMAGE));
    expect(objectAt(values, "agency-deploy:image")).toEqual({ ref: "registry.example.org/app:1.0" });
  });
});
