import {
  getConfigValue,
  parseAssignments,
  parseValue,
  setConfigValue,
  splitKey,
} from "../../../../policies/command/offline/config-overrides";
import type { StackConfig } from "../../../../policies/command/offline/project";
import { UsageError } from "../../../../policies/command/offline/usage-error";

const STACK: StackConfig = {
  stack: "dev",
  file: "Pulumi.dev.yaml",
  values: {
    "agency-deploy:mode": "production",
    "agency-deploy:image": '{"context":"app","build":{"args":{"A":"1"}}}',
    "agency-deploy:apiToken": "[secret]",
    "agency-deploy:db": '{"password":"[secret]"}',
  },
  secretKeys: ["agency-deploy:apiToken", "agency-deploy:db"],
};

describe("--config KEY=VALUE", () => {
  it("is repeatable and keeps the order given, so a later assignment wins", () => {
    expect(parseAssignments(["mode=demo", "replicas=2", "mode=production"])).toEqual([
      ["mode", "demo"],
      ["replicas", 2],
      ["mode", "production"],
    ]);
  });

  it.each([
    ["2", 2],
    ["1.5", 1.5],
    ["true", true],
    ["null", null],
    ['["a.example.org","b.example.org"]', ["a.example.org", "b.example.org"]],
    ['{"workers":3}', { workers: 3 }],
    ["demo", "demo"],
    ["007", "007"],
    ["", ""],
  ])("types the value %j as JSON when it parses, else text", (text, value) => {
    expect(parseValue(text)).toEqual(value);
  });

  it("splits on the first '=' so a value may contain more", () => {
    expect(parseAssignments(["databaseUrl=postgres://h/db?sslmode=require"])).toEqual([
      ["databaseUrl", "postgres://h/db?sslmode=require"],
    ]);
  });

  it.each([
    ["novalue", '--config expects KEY=VALUE, got "novalue"'],
    ["=demo", '--config expects KEY=VALUE, got "=demo"'],
    ["image..target=x", 'invalid config key "image..target"'],
    ["agency-deploy:=x", 'invalid config key "agency-deploy:"'],
  ])("rejects %j with a usage error naming the argument", (argument, message) => {
    expect(() => parseAssignments(["mode=demo", argument])).toThrow(new UsageError(message));
  });
});

describe("config keys", () => {
  it("adds the agency-deploy namespace to a bare key and splits a path into its value", () => {
    expect(splitKey("mode")).toEqual(["agency-deploy:mode", []]);
    expect(splitKey("image.build.target")).toEqual(["agency-deploy:image", ["build", "target"]]);
    expect(splitKey("azure-native:location")).toEqual(["azure-native:location", []]);
  });

  it("reads a whole value as text and a path inside an object value", () => {
    expect(getConfigValue(STACK, "mode")).toBe("production");
    expect(getConfigValue(STACK, "image.build.args.A")).toBe("1");
    expect(getConfigValue(STACK, "image.missing.deeper")).toBeUndefined();
    expect(getConfigValue(STACK, "replicas")).toBeUndefined();
  });
});

describe("setConfigValue", () => {
  it("sets a path inside an object value, keeping its siblings, and leaves the input untouched", () => {
    const next = setConfigValue(STACK, "image.build.target", "runtime");
    expect(JSON.parse(next.values["agency-deploy:image"] ?? "")).toEqual({
      context: "app",
      build: { args: { A: "1" }, target: "runtime" },
    });
    expect(STACK.values["agency-deploy:image"]).toBe('{"context":"app","build":{"args":{"A":"1"}}}');
  });

  it("creates the object for a path under a key that is not set", () => {
    expect(setConfigValue(STACK, "django.settingsModule", "a.b").values["agency-deploy:django"]).toBe(
      '{"settingsModule":"a.b"}',
    );
  });

  it("removes a key or a path for undefined", () => {
    expect(setConfigValue(STACK, "mode", undefined).values).not.toHaveProperty(["agency-deploy:mode"]);
    expect(setConfigValue(STACK, "image.context", undefined).values["agency-deploy:image"]).toBe(
      '{"build":{"args":{"A":"1"}}}',
    );
  });

  it("a whole-key override is plain text, no longer secret; a path override keeps the key secret", () => {
    expect(setConfigValue(STACK, "apiToken", "t").secretKeys).toEqual(["agency-deploy:db"]);
    expect(setConfigValue(STACK, "db.user", "app").secretKeys).toEqual(STACK.secretKeys);
  });

  it("refuses a path inside a value that is not an object, naming the key", () => {
    expect(() => setConfigValue(STACK, "mode.level", "x")).toThrow(
      new UsageError("cannot set a path inside agency-deploy:mode: its value is not an object"),
    );
  });
});
