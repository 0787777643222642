import { formatLocationLine, parseLocationLine, parseUrn } from "../../../../policies/command/report";

describe("the Location line convention", () => {
  test.each([
    [{ file: "/ctx/Dockerfile", line: 12 }, "Location: /ctx/Dockerfile:12"],
    [{ file: "/ctx/.dockerignore" }, "Location: /ctx/.dockerignore"],
    [
      { urn: "urn:pulumi:s::p::docker:index/container:Container::web", property: "user" },
      "Location: urn:pulumi:s::p::docker:index/container:Container::web user",
    ],
    [{ resourceName: "acme-web", property: "healthcheck.tests" }, "Location: acme-web healthcheck.tests"],
  ])("formats %j as %s", (location, line) => {
    expect(formatLocationLine(location)).toBe(line);
  });

  test("a location with neither file nor resource has no line", () => {
    expect(formatLocationLine({ property: "envs" })).toBeUndefined();
  });

  test.each([
    { file: "/ctx/my dir/Dockerfile", line: 3 },
    { urn: "urn:pulumi:s::p::docker:index/container:Container::web", property: "envs[0]" },
    { resourceName: "acme-db" },
  ])("parses back what it formats: %j", (location) => {
    const message = `something is wrong\n${formatLocationLine(location)}\nmore detail`;
    expect(parseLocationLine(message)).toEqual({ text: "something is wrong\nmore detail", location });
  });

  test("a message without a Location line is left whole", () => {
    expect(parseLocationLine("a policy failed")).toEqual({ text: "a policy failed", location: {} });
  });
});

describe("parseUrn", () => {
  test("splits stack, project, the resource's own type and its name", () => {
    expect(
      parseUrn(
        "urn:pulumi:local::agency-deploy::agency-deploy:docker:AgencyInstance$docker:index/container:Container::acme::web",
      ),
    ).toEqual({
      stack: "local",
      project: "agency-deploy",
      type: "docker:index/container:Container",
      name: "acme::web",
    });
  });

  test("is undefined for something that is not a URN", () => {
    expect(parseUrn("acme-web")).toBeUndefined();
  });
});
