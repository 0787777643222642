import * as path from "path";
import { pinnedSupportedBaseImage } from "../../../../../policies/pack/rules/container-security/pinned-supported-base-image";
import { UNKNOWN } from "../../../../../policies/pack/rules/props";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { BAD_APP, builtImage, kinds, SAMPLE_APP, violationsAt } from "../../../../support/app-images";
import { FIXTURES_DIR } from "../../../../support/paths";
import { context, resource, judge } from "../../../../support/resources";

// Today unless a case names the day of the check.
let ctx = context();
beforeEach(() => {
  ctx = context();
});

describe("CS-3 pinned-supported-base-image", () => {
  it("fails python:latest in the bad app at its FROM line", async () => {
    expect(violationsAt(await judge(pinnedSupportedBaseImage, builtImage(BAD_APP), ctx), BAD_APP)).toEqual([
      "Dockerfile:1",
    ]);
  });

  it("passes the sample app's pinned base image", async () => {
    expect(await judge(pinnedSupportedBaseImage, builtImage(SAMPLE_APP), ctx)).toEqual([]);
  });

  it("fails a Python base image past end of life on the day of the check, not before", async () => {
    const image = builtImage(path.join(FIXTURES_DIR, "rules", "variable-user"));
    ctx = context("production", new Date("2025-06-01T00:00:00Z"));
    expect(await judge(pinnedSupportedBaseImage, image, ctx)).toEqual([]);
    ctx = context("production", new Date("2025-11-01T00:00:00Z"));
    expect(kinds(await judge(pinnedSupportedBaseImage, image, ctx))).toEqual(["violation"]);
  });

  it("judges pulled images and runtime images run directly by containers", async () => {
    expect(
      kinds(
        await judge(pinnedSupportedBaseImage, resource(DOCKER.remoteImage, "pg", { name: "postgres" }), ctx),
      ),
    ).toEqual(["violation"]);
    expect(
      await judge(
        pinnedSupportedBaseImage,
        resource(DOCKER.remoteImage, "pg", { name: "postgres:16.10-bookworm" }),
        ctx,
      ),
    ).toEqual([]);
    ctx = context("production", new Date("2026-01-01T00:00:00Z"));
    expect(
      kinds(
        await judge(
          pinnedSupportedBaseImage,
          resource(DOCKER.container, "db", { image: "postgres:13.22" }),
          ctx,
        ),
      ),
    ).toEqual(["violation"]);
    expect(
      await judge(pinnedSupportedBaseImage, resource(DOCKER.container, "web", { image: "app-image:1" }), ctx),
    ).toBe("not-applicable");
    expect(
      kinds(await judge(pinnedSupportedBaseImage, resource(DOCKER.remoteImage, "x", { name: UNKNOWN }), ctx)),
    ).toEqual(["unverifiable"]);
  });
});
