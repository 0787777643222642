import { pinnedSupportedBaseImage as rule } from "../../../../../policies/pack/rules/container-security/pinned-supported-base-image";
import { UNKNOWN } from "../../../../../policies/pack/rules/props";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { kinds } from "../../../../support/app-images";
import { inlineImage, judgeInline } from "../../../../support/inline-app";
import { context, resource, judge } from "../../../../support/resources";
import { itJudgesTheAppImage } from "../../../../support/rule-harness";

/** The day of the check, for end-of-life dates. */
const on = (day: string) => context("production", new Date(`${day}T00:00:00Z`));

describe("CS-3 pinned-supported-base-image", () => {
  // bad-app builds FROM python:latest.
  itJudgesTheAppImage(rule, ["Dockerfile:1"]);

  it("fails a Python base image past end of life on the day of the check, not before", async () => {
    const files = { Dockerfile: "FROM python:3.9-slim\nUSER 10001\nCOPY . .\n", "app.py": "" };
    expect(await judgeInline(rule, files, { resources: inlineImage(), ctx: on("2025-06-01") })).toEqual([]);
    const late = await judgeInline(rule, files, { resources: inlineImage(), ctx: on("2025-11-01") });
    expect(kinds(late)).toEqual(["violation"]);
  });

  it.each([
    ["a pulled image without a tag", resource(DOCKER.remoteImage, "pg", { name: "postgres" }), ["violation"]],
    [
      "a pulled image pinned to a supported version",
      resource(DOCKER.remoteImage, "pg", { name: "postgres:16.10-bookworm" }),
      [],
    ],
    [
      "a container running a PostgreSQL past end of life",
      resource(DOCKER.container, "db", { image: "postgres:13.22" }),
      ["violation"],
    ],
    [
      "a pulled image whose name is unknown during preview",
      resource(DOCKER.remoteImage, "x", { name: UNKNOWN }),
      ["unverifiable"],
    ],
  ])("judges %s", async (_what, input, expected) => {
    expect(kinds(await judge(rule, input, on("2026-01-01")))).toEqual(expected);
  });

  it("leaves a container running the app's own image to the image's judgement", async () => {
    const web = resource(DOCKER.container, "web", { image: "app-image:1" });
    expect(await judge(rule, web, context())).toBe("not-applicable");
  });
});
