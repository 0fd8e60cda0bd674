"""The news tests read the French and Spanish catalogues: compile them (with Babel, so no
gettext tools are needed) when the .mo files are missing or older than the .po files."""

from pathlib import Path

import pytest
from django.conf import settings


def compile_catalogues() -> bool:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = False
    for locale_dir in settings.LOCALE_PATHS:
        for po in Path(locale_dir).glob("*/LC_MESSAGES/django.po"):
            mo = po.with_suffix(".mo")
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            with po.open("rb") as source:
                catalogue = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalogue)
            compiled = True
    return compiled


@pytest.fixture(autouse=True, scope="session")
def _compiled_catalogues():
    if compile_catalogues():
        # Catalogues already loaded in this process were read without the new files.
        from django.utils.translation import trans_real

        trans_real._translations = {}
        trans_real._default = None
