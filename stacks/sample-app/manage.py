#!/usr/bin/env python
"""Django's command-line entry point for the case-notes tracker."""
import os
import sys


def main():
    # Production is the default so a forgotten variable never means a laxer configuration.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
