/**
 * The web service: a Container App behind HTTPS-only ingress, running gunicorn with explicit
 * workers, threads and timeouts on $PORT, probed at start-up, for liveness and for readiness.
 * It runs the same image the release job just released, with the same env and secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as inputs from "@pulumi/azure-native/types/input";
import type * as azure from "@pulumi/azure-native/types/input";
import { InstanceSettings } from "../config";
import { gunicornCommand } from "../gunicorn";
import { APP_PORT, ContainerShape } from "./containers";
import { Foundation } from "./foundation";
import { nestedInputs } from "./nested-inputs";
import { minReplicas } from "./sizing";

/**
 * Start-up, liveness and readiness probes. Probes reach the replica by IP, so they send the
 * canonical Host header: Django's ALLOWED_HOSTS would answer 400 to the bare IP.
 * Start-up allows 10 + 10 x 10 s for migrations-free boot; liveness restarts a hung worker
 * after 3 failures; readiness takes a replica out of rotation while a database is unreachable.
 */
export function webProbes(
  settings: InstanceSettings,
  canonicalHost: pulumi.Input<string>,
): azure.app.ContainerAppProbeArgs[] {
  const headers = [{ name: "Host", value: canonicalHost }];
  const get = (path: string) => ({ path, port: APP_PORT, scheme: "HTTP", httpHeaders: headers });
  return [
    {
      type: "Startup",
      httpGet: get(settings.django.healthPath),
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 10,
    },
    {
      type: "Liveness",
      httpGet: get(settings.django.healthPath),
      periodSeconds: 30,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
    {
      type: "Readiness",
      httpGet: get(settings.django.readinessPath),
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
      successThreshold: 1,
    },
  ];
}

export function createWebApp(
  name: string,
  settings: InstanceSettings,
  foundation: Foundation,
  image: pulumi.Input<string>,
  shape: ContainerShape,
  dependsOn: pulumi.Input<pulumi.Resource>[],
  parent: pulumi.Resource,
  canonicalHost: pulumi.Input<string>,
): app.ContainerApp {
  const configuration: azure.app.ConfigurationArgs = {
    activeRevisionsMode: "Single",
    ingress: {
      external: true,
      targetPort: APP_PORT,
      transport: "auto",
      allowInsecure: false,
      traffic: [{ latestRevision: true, weight: 100 }],
    },
    secrets: shape.secrets,
    registries: shape.registries,
  };
  const template: azure.app.TemplateArgs = {
    containers: [
      {
        name: "web",
        image,
        command: ["/bin/sh", "-c", gunicornCommand(settings)],
        env: shape.env,
        resources: shape.resources,
        probes: webProbes(settings, canonicalHost),
      },
    ],
    scale: { minReplicas: minReplicas(settings), maxReplicas: settings.azure.maxReplicas },
    // Replicas get gunicorn's graceful timeout plus a margin to finish requests on shutdown.
    terminationGracePeriodSeconds: settings.gunicorn.gracefulTimeout + 10,
  };
  return new app.ContainerApp(
    `${name}-web`,
    {
      resourceGroupName: foundation.resourceGroupName,
      location: foundation.location,
      containerAppName: foundation.names.webApp,
      managedEnvironmentId: foundation.environment.id,
      identity: shape.identity,
      configuration,
      template,
      tags: foundation.tags,
    },
    {
      parent,
      dependsOn,
      transformations: [
        nestedInputs({
          configuration: inputs.app.configurationArgsProvideDefaults(configuration),
          template: inputs.app.templateArgsProvideDefaults(template),
        }),
      ],
    },
  );
}
