import type { ArmRequest, ArmResponse, Clock } from "../../../components/azure/release-execution";
import {
  importChanged,
  importImage,
  RegistryImportInputs,
  registryImportProvider,
} from "../../../components/azure/registry-import";

const REGISTRY =
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/riversideacr";
const INPUTS: RegistryImportInputs = {
  registryId: REGISTRY,
  loginServer: "riversideacr.azurecr.io",
  sourceRegistry: "docker.io",
  sourceImage: "library/postgres:16.10-bookworm",
  targetTag: "postgres:16.10-bookworm",
  managementEndpoint: "https://management.azure.com",
  token: "t",
  timeoutSeconds: 60,
  pollSeconds: 5,
};

function arm(responses: ArmResponse[]) {
  const calls: { method: string; url: string; body?: unknown }[] = [];
  const request: ArmRequest = async (method, url, _token, body) => {
    calls.push({ method, url, body });
    return responses.length > 1 ? responses.shift()! : responses[0];
  };
  return { request, calls };
}

const clock = (): Clock => {
  let now = 0;
  return { now: () => now, sleep: async (ms) => void (now += ms) };
};

describe("importImage", () => {
  it("asks ACR to import the image and follows the Location until it is done", async () => {
    const location = "https://management.azure.com/operations/import-1";
    const a = arm([
      { status: 202, location, body: {} },
      { status: 202, body: {} },
      { status: 200, body: {} },
    ]);
    await expect(importImage(a.request, clock(), INPUTS)).resolves.toMatchObject({
      image: "riversideacr.azurecr.io/postgres:16.10-bookworm",
    });
    expect(a.calls[0]).toEqual({
      method: "POST",
      url: `https://management.azure.com${REGISTRY}/importImage?api-version=2023-07-01`,
      body: {
        source: { registryUri: "docker.io", sourceImage: "library/postgres:16.10-bookworm" },
        targetTags: ["postgres:16.10-bookworm"],
        mode: "Force",
      },
    });
    expect(a.calls.slice(1).map((c) => c.url)).toEqual([location, location]);
  });

  it("retries a throttled import and fails on a refused one with its status", async () => {
    const throttled = arm([
      { status: 429, retryAfterSeconds: 1, body: {} },
      { status: 200, body: {} },
    ]);
    await expect(importImage(throttled.request, clock(), INPUTS)).resolves.toBeDefined();
    const refused = arm([{ status: 403, body: { error: "AuthorizationFailed" } }]);
    await expect(importImage(refused.request, clock(), INPUTS)).rejects.toThrow(
      /Importing docker.io\/library\/postgres:16.10-bookworm into riversideacr.azurecr.io failed with HTTP 403/,
    );
  });

  it("imports again only when the registry, the source or the tag changes", async () => {
    const done = {
      registryId: REGISTRY,
      sourceRegistry: "docker.io",
      sourceImage: INPUTS.sourceImage,
      targetTag: INPUTS.targetTag,
    };
    expect(importChanged(done, { ...INPUTS, token: "new" })).toBe(false);
    expect(importChanged(done, { ...INPUTS, targetTag: "postgres:17.6-bookworm" })).toBe(true);
    await expect(registryImportProvider.diff!("id", done as never, INPUTS)).resolves.toEqual({
      changes: false,
      replaces: [],
    });
  });
});
