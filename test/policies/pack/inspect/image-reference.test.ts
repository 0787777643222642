import { RULES } from "../../../../policies/pack/rules";
import { UNKNOWN } from "../../../../policies/pack/rules/props";
import type { ResourceRule } from "../../../../policies/pack/rules/rule";
import {
  isDockerOfficialImage,
  parseRegistryReference,
} from "../../../../policies/pack/inspect/image-reference";
import { DOCKER } from "../../../../policies/pack/rules/types";
import { context, resource, judge } from "../../../support/resources";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("Docker Official Image references", () => {
  it.each([
    "postgres",
    "postgres:16.10-bookworm",
    `postgres:16.10-bookworm@${DIGEST}`,
    `caddy@${DIGEST}`,
    "library/nginx:1.27",
    "docker.io/library/nginx:1.27-alpine",
    "docker.io/postgres:17",
    "index.docker.io/library/python:3.12-slim",
  ])("%s is an official image", (reference) => {
    expect(isDockerOfficialImage(reference)).toBe(true);
  });

  it.each([
    ["an app image pushed to another registry", "ghcr.io/agency/app:1.2"],
    ["a Docker Hub image under a user's namespace", "bitnami/postgresql:16"],
    ["a namespaced image written with docker.io", "docker.io/someone/postgres:16"],
    ["a local registry with a port", "localhost:5000/postgres:16"],
    ["a registry named localhost", "localhost/postgres"],
    ["a registry host without a dot but with a port", "registry:5000/library/postgres"],
    ["a private registry mirroring library/", "registry.example.org/library/postgres:16"],
    ["an upper-case first component (a host to Docker)", "Registry/postgres"],
    ["an upper-case repository", "Postgres:16"],
    ["a malformed digest", "postgres@sha256:xyz"],
    ["a bad tag", "postgres:-16"],
    ["an empty text", ""],
    ["a value unknown during preview", UNKNOWN],
    ["no value", undefined],
  ])("%s (%s) is not", (_what, reference) => {
    expect(isDockerOfficialImage(reference)).toBe(false);
  });

  it("splits a reference into registry, repository path, tag and digest as Docker does", () => {
    expect(parseRegistryReference(`postgres:16@${DIGEST}`)).toEqual({
      domain: "docker.io",
      path: "library/postgres",
      tag: "16",
      digest: DIGEST,
    });
    expect(parseRegistryReference("localhost:5000/team/app")).toEqual({
      domain: "localhost:5000",
      path: "team/app",
      tag: null,
      digest: null,
    });
  });
});

describe("build-context rules on pulled images", () => {
  const buildContextRules = RULES.filter(
    (r): r is ResourceRule =>
      r.scope === "resource" && ["CS-1", "CS-2", "CS-4", "CS-5", "CS-6", "DB-4"].includes(r.id),
  );
  const pulled = (name: string) => resource(DOCKER.remoteImage, "db-image", { name, keepLocally: true });

  it("covers every rule that reads a RemoteImage's build context", () => {
    expect(buildContextRules.map((r) => r.id)).toEqual(["CS-1", "CS-2", "CS-4", "CS-5", "CS-6", "DB-4"]);
  });

  it.each(buildContextRules.map((r) => [r.id, r] as const))(
    "%s does not apply to a Docker Official Image",
    async (_id, rule) => {
      expect(await judge(rule, pulled("postgres:16.10-bookworm"), context())).toBe("not-applicable");
      expect(await judge(rule, pulled(`docker.io/library/caddy:2.10.2-alpine@${DIGEST}`), context())).toBe(
        "not-applicable",
      );
    },
  );

  it.each(buildContextRules.map((r) => [r.id, r] as const))(
    "%s cannot verify a pushed app image",
    async (_id, rule) => {
      expect(await judge(rule, pulled("ghcr.io/agency/app:1.2"), context())).toEqual([
        expect.objectContaining({
          kind: "unverifiable",
          message: expect.stringContaining("db-image is a ready-made image pulled from a registry"),
          location: { property: "name" },
        }),
      ]);
    },
  );

  it.each(buildContextRules.map((r) => [r.id, r] as const))(
    "%s cannot verify an image whose name is unknown during preview",
    async (_id, rule) => {
      expect(await judge(rule, pulled(UNKNOWN), context())).toEqual([
        expect.objectContaining({ kind: "unverifiable" }),
      ]);
    },
  );
});
