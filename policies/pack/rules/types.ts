/** Pulumi type tokens of the resources the pack judges. */
export const DOCKER = {
  image: "docker:index/image:Image",
  remoteImage: "docker:index/remoteImage:RemoteImage",
  container: "docker:index/container:Container",
  network: "docker:index/network:Network",
  volume: "docker:index/volume:Volume",
} as const;

export const AZURE = {
  containerApp: "azure-native:app:ContainerApp",
  job: "azure-native:app:Job",
  managedEnvironment: "azure-native:app:ManagedEnvironment",
  postgresServer: "azure-native:dbforpostgresql:Server",
  postgresDatabase: "azure-native:dbforpostgresql:Database",
  postgresConfiguration: "azure-native:dbforpostgresql:Configuration",
  postgresFirewallRule: "azure-native:dbforpostgresql:FirewallRule",
  keyVault: "azure-native:keyvault:Vault",
  keyVaultSecret: "azure-native:keyvault:Secret",
} as const;

/** What runs: a docker Container, or the containers of an Azure Container App or Job. */
export const WORKLOAD_TYPES: readonly string[] = [DOCKER.container, AZURE.containerApp, AZURE.job];

/** The application and the images it is built from (rules that read a build context judge these). */
export const APP_BUILD_TYPES: readonly string[] = [DOCKER.image, DOCKER.remoteImage, ...WORKLOAD_TYPES];

/** PostgreSQL: a database container, or an Azure Flexible Server and its databases. */
export const POSTGRES_TYPES: readonly string[] = [
  DOCKER.container,
  AZURE.postgresServer,
  AZURE.postgresDatabase,
];
