/**
 * Management commands a Django project has without defining them: Django's own (core and the
 * contrib apps), as `python manage.py help` lists them for Django 4.2-5.x, and those of a few
 * widely used packages, found by the requirement that installs them. A command from any other
 * package cannot be seen in the build context; the finding says so and how to exempt it.
 */
export const DJANGO_COMMANDS: ReadonlySet<string> = new Set([
  // django.core
  "check",
  "compilemessages",
  "createcachetable",
  "dbshell",
  "diffsettings",
  "dumpdata",
  "flush",
  "inspectdb",
  "loaddata",
  "makemessages",
  "makemigrations",
  "migrate",
  "optimizemigration",
  "runserver",
  "sendtestemail",
  "shell",
  "showmigrations",
  "sqlflush",
  "sqlmigrate",
  "sqlsequencereset",
  "squashmigrations",
  "startapp",
  "startproject",
  "test",
  "testserver",
  // django.contrib
  "changepassword",
  "createsuperuser",
  "collectstatic",
  "findstatic",
  "remove_stale_contenttypes",
  "clearsessions",
  "ogrinspect",
  "ping_google",
]);

/** requirement name -> commands it adds. */
export const PACKAGE_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  "django-extensions": [
    "shell_plus",
    "show_urls",
    "runserver_plus",
    "reset_db",
    "graph_models",
    "validate_templates",
  ],
  "django-celery-beat": [],
  "django-axes": ["axes_reset", "axes_reset_ip", "axes_reset_username", "axes_list_attempts"],
  "django-compressor": ["compress"],
  "django-dbbackup": ["dbbackup", "dbrestore", "mediabackup", "mediarestore"],
  "django-health-check": ["health_check"],
  wagtail: ["update_index", "fixtree", "publish_scheduled_pages", "search_garbage_collect"],
  "django-tenants": ["migrate_schemas", "create_tenant"],
  "django-q": ["qcluster", "qmonitor", "qinfo"],
  "django-rq": ["rqworker", "rqscheduler"],
};
