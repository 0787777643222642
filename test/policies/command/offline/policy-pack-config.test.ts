import { parsePolicyPackConfig } from "../../../../policies/command/offline/policy-pack-config";

describe("--policy-pack-config", () => {
  it("reads levels, `all`, and each policy's own properties", () => {
    const config = parsePolicyPackConfig(
      JSON.stringify({
        all: "advisory",
        "debug-off": "mandatory",
        "no-secrets-in-image": { enforcementLevel: "mandatory", allowCriticalExemptions: true },
      }),
      "pc.json",
    );
    expect(config).toEqual({
      all: "advisory",
      policies: {
        "debug-off": { enforcementLevel: "mandatory", properties: {} },
        "no-secrets-in-image": {
          enforcementLevel: "mandatory",
          properties: { allowCriticalExemptions: true },
        },
      },
    });
  });

  it("names the file and key of what is wrong, exemptions by policy and index", () => {
    expect(() => parsePolicyPackConfig("nope", "pc.json")).toThrow(
      "--policy-pack-config pc.json is not JSON",
    );
    expect(() => parsePolicyPackConfig("[]", "pc.json")).toThrow("must be a JSON object");
    expect(() => parsePolicyPackConfig('{"all": "loud"}', "pc.json")).toThrow(
      "--policy-pack-config pc.json: all must be one of advisory, mandatory, remediate, disabled",
    );
    expect(() =>
      parsePolicyPackConfig(
        JSON.stringify({
          "non-root-user": { exemptions: [{ resource: "web", reason: "r", expires: "soon" }] },
        }),
        "pc.json",
      ),
    ).toThrow(
      "--policy-pack-config pc.json: non-root-user.exemptions[0].expires must be a date as YYYY-MM-DD",
    );
  });
});
