/**
 * A fleet of agency instances in one program: `agency-fleet:instances` DockerAgencyInstances of the
 * sample app, each with its own domain. It measures what one stack of many instances costs the
 * offline check (program run, Analyze per resource, AnalyzeStack over the whole graph).
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DockerAgencyInstance } from "../../components/docker";

const config = new pulumi.Config("agency-fleet");
const count = config.requireNumber("instances");
const context = path.resolve(__dirname, "..", "..", "stacks", "sample-app");

const instances = Array.from({ length: count }, (_, i) => {
  const agency = `agency-${String(i + 1).padStart(3, "0")}`;
  return new DockerAgencyInstance(agency, {
    agency,
    domains: [`${agency}.example.org`],
    image: { context },
  });
});

export const urls = instances.map((instance) => instance.url);
