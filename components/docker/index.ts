/**
 * The Docker target: one agency instance on one Docker host.
 */
export { DockerAgencyInstance, publicUrl } from "./instance";
export { AppDatabase, AuditDatabase, databaseUrl, postgresImage, POSTGRES_IMAGES } from "./database";
export { ReleasePhase } from "./release";
export { WebService } from "./web";
export { gunicornCommand } from "../gunicorn";
export { Proxy, caddyfile, CADDY_IMAGE } from "./proxy";
export { plainEnvironment } from "../environment";
export { credentialEnvironment } from "./environment";
