import { Deployment, type InspectImage } from "../../../../policies/pack/deployment";
import { DOCKER } from "../../../../policies/pack/rules/types";
import { resource } from "../../../support/resources";

const image = resource(DOCKER.image, "app", { build: { context: "/nowhere" }, imageName: "app:1" });
const web = resource(
  DOCKER.container,
  "web",
  { image: "app:1", envs: ["DJANGO_SETTINGS_MODULE=config.settings"], command: ["gunicorn", "config.wsgi"] },
  { propertyDependencies: { image: [image.urn] } },
);

/** An inspector that records what it is asked and finds no local context. */
function recording(): { inspect: InspectImage; asked: [string, string | undefined][] } {
  const asked: [string, string | undefined][] = [];
  return {
    asked,
    inspect: async (i, settingsModule) => {
      asked.push([i.name, settingsModule]);
      return undefined;
    },
  };
}

describe("Deployment", () => {
  it("gathers the facts of each (image, settings module) pair once, before any part is read", async () => {
    const { inspect, asked } = recording();
    const deployment = await Deployment.build([image, web], inspect);
    expect(asked).toEqual([["app", "config.settings"]]);
    void deployment.builds;
    void deployment.plans;
    void deployment.webServers;
    expect(asked).toHaveLength(1);
  });

  it("finds the workloads, their roles and the images they run", async () => {
    const deployment = await Deployment.build([image, web], recording().inspect);
    expect(deployment.workloads.map((w) => [w.resource.name, w.role])).toEqual([["web", "web"]]);
    expect(deployment.imagesOf(deployment.workloads[0])).toEqual([image]);
    expect(deployment.builds.opaque.map((f) => f.location?.property)).toEqual(["build.context"]);
  });

  it("throws an inspection failure to the parts that read the facts, and only to them", async () => {
    const failing: InspectImage = async () => {
      throw new Error("context unreadable");
    };
    const deployment = await Deployment.build([image, web], failing);
    expect(deployment.workloads).toHaveLength(1);
    expect(() => deployment.builds).toThrow("context unreadable");
  });
});
