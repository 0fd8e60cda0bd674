"""Checks made when the web application starts (gnlc/wsgi.py), so that a mistake in the
installation stops the server with a sentence saying what to do, rather than letting
it answer every page with a bare 500.

The static files: with DEBUG off, pages name their CSS and JS by the hashed names
of `collectstatic`'s manifest (whitenoise's CompressedManifestStaticFilesStorage), so
without the manifest no page can be rendered. Serving without it instead (unhashed
names) would hide the missing step and serve files that browsers cache for a year
under names that never change; failing at start-up is the honest answer.
"""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import ImproperlyConfigured


def static_files_problem() -> str | None:
    """What keeps pages from naming their static files, or None."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return None
    if staticfiles_storage.manifest_storage.exists(staticfiles_storage.manifest_name):
        return None
    return (
        f"The static files are not collected: {settings.STATIC_ROOT} has no "
        f"{staticfiles_storage.manifest_name}, so no page can be served. Run "
        "`gnlc collectstatic --noinput` (after every install or upgrade), then start the "
        "server again."
    )


def check() -> None:
    """Raise ImproperlyConfigured, saying what to run, where the site cannot serve."""
    problem = static_files_problem()
    if problem:
        raise ImproperlyConfigured(problem)
