import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  configText,
  listStacks,
  loadProject,
  loadStackConfig,
  SECRET_PLACEHOLDER,
} from "../../../../policies/command/offline/project";
import { UsageError } from "../../../../policies/command/offline/usage-error";
import { REPO_ROOT } from "../../../support/paths";

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-project-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(file: string, text: string): string {
  const target = path.join(tmp, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  return target;
}

describe("loadProject", () => {
  it("resolves this repository's project as the CLI does: main file, stack config directory", () => {
    expect(loadProject(path.join(REPO_ROOT, "stacks"))).toEqual({
      name: "agency-deploy",
      root: REPO_ROOT,
      stackConfigDir: path.join(REPO_ROOT, "stacks"),
      pwd: path.join(REPO_ROOT, "stacks"),
      program: "index.ts",
      defaults: {},
    });
  });

  it("runs a main directory in that directory with the program '.'", () => {
    write("Pulumi.yaml", "name: p\nruntime: nodejs\nmain: app/\n");
    fs.mkdirSync(path.join(tmp, "app"));
    expect(loadProject(tmp)).toMatchObject({ pwd: path.join(tmp, "app"), program: ".", stackConfigDir: tmp });
  });

  it("finds Pulumi.yml by walking up from a nested program directory", () => {
    write("Pulumi.yml", "name: p\nruntime: nodejs\n");
    fs.mkdirSync(path.join(tmp, "a", "b"), { recursive: true });
    expect(loadProject(path.join(tmp, "a", "b"))).toMatchObject({
      name: "p",
      root: tmp,
      pwd: tmp,
      program: ".",
    });
  });

  it("namespaces project config defaults, taking `value` or `default` of a typed entry", () => {
    write(
      "Pulumi.yaml",
      [
        "name: p",
        "runtime: nodejs",
        "config:",
        "  greeting: hello",
        "  replicas: { type: integer, default: 2 }",
        "  other:region: { value: west }",
        "  optional: { type: string }",
      ].join("\n"),
    );
    expect(loadProject(tmp).defaults).toEqual({
      "p:greeting": "hello",
      "p:replicas": 2,
      "other:region": "west",
    });
  });

  it.each([
    ["no Pulumi.yaml", undefined, /no Pulumi\.yaml found in .* or any parent directory/],
    ["no name", "runtime: nodejs\n", /Pulumi\.yaml: 'name' is required$/],
    ["invalid YAML", "name: [p\n", /Pulumi\.yaml is not valid YAML: /],
    ["an absolute main", "name: p\nmain: /etc\n", /project 'main' must be a relative path$/],
    ["a main outside the project", "name: p\nmain: ../elsewhere\n", /project 'main' must be a subfolder$/],
    ["a main in a sibling that shares its prefix", "name: p\nmain: ../project-b\n", /must be a subfolder$/],
    [
      "a main that does not exist",
      "name: p\nmain: missing.ts\n",
      /project 'main' \(missing\.ts\) could not be read$/,
    ],
  ])("names the problem for %s", (_, yaml, message) => {
    const dir = path.join(tmp, "project");
    fs.mkdirSync(dir);
    if (yaml !== undefined) fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml);
    expect(() => loadProject(dir)).toThrow(UsageError);
    expect(() => loadProject(dir)).toThrow(message);
  });

  it("names a program directory that does not exist", () => {
    expect(() => loadProject(path.join(tmp, "nope"))).toThrow(
      `program directory ${path.join(tmp, "nope")} does not exist`,
    );
  });
});

describe("stack configuration", () => {
  beforeEach(() => {
    write(
      "Pulumi.yaml",
      "name: p\nruntime: nodejs\nstackConfigDir: stacks\nconfig:\n  greeting: hello\n  replicas: 1\n",
    );
  });

  it("lists every stack with a config file, sorted, .yml included", () => {
    write("stacks/Pulumi.zeta.yaml", "");
    write("stacks/Pulumi.alpha.yml", "");
    write("stacks/notes.yaml", "");
    expect(listStacks(loadProject(tmp))).toEqual(["alpha", "zeta"]);
  });

  it("gives the program text values over the project defaults: strings as-is, the rest as JSON", () => {
    const file = write(
      "stacks/Pulumi.dev.yaml",
      ["config:", "  p:replicas: 3", "  debug: false", "  p:settings:", "    tags: [a, b]"].join("\n"),
    );
    expect(loadStackConfig(loadProject(tmp), "dev")).toEqual({
      stack: "dev",
      file,
      values: {
        "p:greeting": "hello",
        "p:replicas": "3",
        "p:debug": "false",
        "p:settings": '{"tags":["a","b"]}',
      },
      secretKeys: [],
    });
  });

  it("never exposes a secure value: a placeholder stands in and the key is marked secret", () => {
    write(
      "stacks/Pulumi.dev.yaml",
      [
        "config:",
        "  p:token:",
        "    secure: v1:AAAA:BBBB",
        "  p:db:",
        "    password:",
        "      secure: v1:CCCC:DDDD",
      ].join("\n"),
    );
    const config = loadStackConfig(loadProject(tmp), "dev");
    expect(config.values["p:token"]).toBe(SECRET_PLACEHOLDER);
    expect(config.values["p:db"]).toBe(`{"password":"${SECRET_PLACEHOLDER}"}`);
    expect(config.secretKeys).toEqual(["p:db", "p:token"]);
    expect(JSON.stringify(config)).not.toContain("v1:");
  });

  it("an empty stack file is the project defaults", () => {
    write("stacks/Pulumi.empty.yaml", "");
    expect(loadStackConfig(loadProject(tmp), "empty").values).toEqual({
      "p:greeting": "hello",
      "p:replicas": "1",
    });
  });

  it.each([
    ["an invalid stack name", "../etc", undefined, 'invalid stack name "../etc"'],
    ["a missing stack file", "prod", undefined, 'stack "prod" has no configuration file: '],
    ["a list at the top level", "dev", "- a\n", "Pulumi.dev.yaml: expected a mapping at the top level"],
    ["a config that is not a mapping", "dev", "config: 3\n", "Pulumi.dev.yaml: 'config' must be a mapping"],
  ])("names %s", (_, name, yaml, message) => {
    if (yaml !== undefined) write(`stacks/Pulumi.${name}.yaml`, yaml);
    expect(() => loadStackConfig(loadProject(tmp), name)).toThrow(UsageError);
    expect(() => loadStackConfig(loadProject(tmp), name)).toThrow(message);
  });
});

test("configText is the text form the CLI hands a program", () => {
  expect([configText("a"), configText(1), configText(true), configText({ b: [1] })]).toEqual([
    "a",
    "1",
    "true",
    '{"b":[1]}',
  ]);
});
