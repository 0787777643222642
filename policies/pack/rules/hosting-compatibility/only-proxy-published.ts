/**
 * HC-5: only the proxy publishes ports, and only 80/443.
 *
 * Docker publishes every `ports` entry (a random host port when `external` is omitted), every
 * EXPOSEd port with `publishAllPorts`, and everything with `networkMode: host`. On Azure the
 * Container Apps ingress is the platform's proxy: an external ingress is fine on 80/443 (HTTP
 * transport), extra externally mapped ports or a TCP ingress on another port are not.
 */
import { at, bool, BOOLEAN, isUnknown, list, LIST, num, NUMBER, OBJECT, record, str, STRING } from "../props";
import { unverifiable, violation, type Finding, type Resource, type ResourceRule } from "../rule";
import { AZURE, DOCKER } from "../types";
import { misshapen } from "../props";
import { workloadsOf } from "../../deployment/workloads";

const WEB_PORTS = new Set([80, 443]);

export const onlyProxyPublished: ResourceRule = {
  id: "HC-5",
  policy: "only-proxy-published",
  category: "hosting-compatibility",
  severity: "medium",
  title: "Ports published beyond the proxy",
  description: "Only the proxy's 80/443 are published; app and databases stay internal.",
  impact: "Traffic bypasses TLS and security headers, straight to gunicorn.",
  fix: "Remove published ports from the app and databases; publish only the proxy's 80 and 443.",
  verify: "docker ps --format '{{.Names}} {{.Ports}}'   # only the proxy has ports",
  scope: "resource",
  types: [DOCKER.container, AZURE.containerApp],
  check(resource) {
    return resource.type === DOCKER.container ? dockerPorts(resource) : azureIngress(resource);
  },
};

function dockerPorts(resource: Resource): Finding[] {
  const props = resource.props;
  const isProxy = workloadsOf(resource)[0]?.role === "proxy";
  const findings = misshapen(resource, { ports: LIST, networkMode: STRING, publishAllPorts: BOOLEAN });
  const who = isProxy ? `The proxy "${resource.name}"` : `The container "${resource.name}"`;
  if (str(props.networkMode) === "host") {
    findings.push(
      violation(`${who} uses the host's network, so every port it listens on is open to the outside.`, {
        property: "networkMode",
      }),
    );
  }
  if (bool(props.publishAllPorts) === true) {
    findings.push(
      violation(`${who} publishes every port its image exposes ("publishAllPorts").`, {
        property: "publishAllPorts",
      }),
    );
  }
  list(props.ports).forEach((port, index) => {
    const property = `ports[${index}]`;
    const external = at(port, "external");
    const internal = at(port, "internal");
    if (isUnknown(external) || isUnknown(internal)) {
      findings.push(
        unverifiable(`a published port of "${resource.name}" is not known until deployment`, { property }),
      );
      return;
    }
    const published = num(external) ?? num(internal);
    if (!isProxy) {
      findings.push(
        violation(
          `The container "${resource.name}" publishes port ${published ?? "(random)"} on the host. Only the proxy ` +
            "should be reachable; the app and the databases must stay on the internal network.",
          { property },
        ),
      );
    } else if (published === undefined || !WEB_PORTS.has(published)) {
      findings.push(
        violation(
          `The proxy "${resource.name}" publishes port ${published ?? "(random)"}; only 80 (HTTP) and 443 (HTTPS) should be open.`,
          { property },
        ),
      );
    }
  });
  return findings;
}

function azureIngress(resource: Resource): Finding[] {
  const configuration = misshapen(resource, { configuration: OBJECT });
  if (configuration.length > 0) return configuration;
  const ingress = record(resource.props, "configuration.ingress");
  if (ingress === undefined) return misshapen(resource, { "configuration.ingress": OBJECT });
  const findings = misshapen(
    resource,
    { transport: STRING, external: BOOLEAN, exposedPort: NUMBER, additionalPortMappings: LIST },
    ingress,
    "configuration.ingress",
  );
  const transport = (str(ingress, "transport") ?? "auto").toLowerCase();
  const exposed = num(ingress, "exposedPort");
  if (
    bool(ingress, "external") === true &&
    transport === "tcp" &&
    (exposed === undefined || !WEB_PORTS.has(exposed))
  ) {
    findings.push(
      violation(
        `The container app "${resource.name}" accepts raw TCP from the internet on port ${exposed ?? "(unset)"}; ` +
          "serve the app over HTTP(S) ingress on 80/443 only.",
        { property: "configuration.ingress.transport" },
      ),
    );
  }
  list(ingress, "additionalPortMappings").forEach((mapping, index) => {
    if (bool(mapping, "external") === true) {
      findings.push(
        violation(
          `The container app "${resource.name}" opens an extra port to the internet (additional port mapping ${index}).`,
          { property: `configuration.ingress.additionalPortMappings[${index}]` },
        ),
      );
    }
  });
  return findings;
}
