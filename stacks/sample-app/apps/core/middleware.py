from apps.core import views

PROBES = {"/healthz/": views.liveness, "/readyz/": views.readiness}


class HealthProbeMiddleware:
    """Answers liveness and readiness probes before any other middleware.

    Probes come from the container runtime with the container's own address as
    Host and over plain HTTP. Host validation (ALLOWED_HOSTS) would answer 400
    and the HTTPS redirect 301, and either reads as an unhealthy instance.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
