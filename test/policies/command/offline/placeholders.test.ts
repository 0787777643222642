import {
  generatedNames,
  markPlaceholders,
  PLACEHOLDER,
} from "../../../../policies/command/offline/placeholders";
import type { ProgramRun, Registration } from "../../../../policies/command/offline/registration";
import { registration as translated } from "../../../../policies/command/app-deployment/compose-resources";

/** A resource as the SDK registers it with no options set (the own deployment's translation does the same). */
function registration(type: string, name: string, inputs: Record<string, unknown> = {}): Registration {
  return translated({
    urn: `urn:pulumi:s::p::${type}::${name}`,
    type,
    name,
    parent: "",
    inputs: inputs as Registration["inputs"],
  });
}

const run = (...registrations: Registration[]): ProgramRun => ({
  project: "p",
  stack: "s",
  organization: "o",
  registrations,
});

describe("names that exist only after a deploy", () => {
  it("replaces Docker's and azure-native's auto-name suffixes, and random values, by a placeholder", () => {
    const names = generatedNames(
      run(
        registration("docker:index/container:Container", "web"),
        registration("docker:index/container:Container", "backup", { name: "backup" }),
        registration("azure-native:resources:ResourceGroup", "rg"),
        registration("random:index/randomString:RandomString", "suffix", {
          length: 6,
          special: false,
          upper: false,
        }),
      ),
    );
    const [docker, azure, random] = [
      names.find((n) => n.value.startsWith("web-"))!,
      names.find((n) => n.value.startsWith("rg"))!,
      names.find((n) => n.replacement === PLACEHOLDER)!,
    ];
    expect(docker.replacement).toBe(`web-${PLACEHOLDER}`);
    expect(azure.replacement).toBe(`rg${PLACEHOLDER}`);
    // A container named by the program keeps its name.
    expect(names.some((n) => n.value === "backup")).toBe(false);
    const text = `docker stop ${docker.value}\naz group show -n ${azure.value}\nserver pg-${random.value}\nbackup`;
    expect(markPlaceholders(text, names)).toBe(
      `docker stop web-${PLACEHOLDER}\naz group show -n rg${PLACEHOLDER}\nserver pg-${PLACEHOLDER}\nbackup`,
    );
  });
});
