"""Check the translations, as CI does (`make check-i18n`):

1. every template string a person reads is marked for translation (text between tags,
   and the alt, title, placeholder and aria-label attributes, outside {% translate %}
   and {% blocktranslate %});
2. every marked string of the code and templates is in each language's catalogue
   (extracted afresh with Django's makemessages into a scratch copy: the committed
   catalogues are not touched);
3. no catalogue entry is untranslated or fuzzy.

Prints each problem with its file and line, and exits 1 if there is any.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["fr", "es", "ar"]
# Attributes a person reads (or hears, with a screen reader).
READ_ATTRIBUTES = re.compile(
    r'\b(alt|title|placeholder|aria-label)="(?P<value>[^"{]*[A-Za-z][^"{]*)"'
)
# A word with a lower-case letter: acronyms and format names (CSV, PDF, SDG) stay as they are.
WORD = re.compile(r"\b[A-Za-z]*[a-z][A-Za-z]*\b")
# Text that is not language: entities, numbers, symbols, URLs, code.
NOT_LANGUAGE = re.compile(r"&[a-z]+;|https?://\S+|[\d.,:;/·•–—()\[\]|]+")


def skeleton(text: str) -> str:
    """The template with every template tag, variable and translated block replaced by a
    placeholder without letters (newlines kept, so line numbers hold): what is left in
    letters is text nobody marked for translation."""
    from django.template.base import Lexer, TokenType

    out, depth = [], 0
    for token in Lexer(text).tokenize():
        newlines = "\n" * token.contents.count("\n")
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in {"blocktranslate", "blocktrans", "comment"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans", "endcomment"}:
                depth -= 1
            out.append("\x00" + newlines)
        elif token.token_type == TokenType.TEXT and not depth:
            out.append(token.contents)
        else:
            out.append("\x00" + newlines)
    return "".join(out)


RAW = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.DOTALL | re.IGNORECASE)
TEXT_BETWEEN_TAGS = re.compile(r">([^<]+)<")


def template_problems(path: Path) -> list[str]:
    """Unmarked text in one template, found with Django's own template lexer."""
    problems = []
    text = RAW.sub(lambda m: "\n" * m.group(0).count("\n"), skeleton(path.read_text("utf-8")))

    def line(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    for match in READ_ATTRIBUTES.finditer(text):
        problems.append(
            f"{path}:{line(match.start())}: {match[1]}={match['value']!r} is not marked"
        )
    for match in TEXT_BETWEEN_TAGS.finditer(f">{text}<"):
        prose = NOT_LANGUAGE.sub(" ", match[1].replace("\x00", " "))
        if WORD.search(prose):
            problems.append(
                f"{path}:{line(match.start())}: text {' '.join(prose.split())[:60]!r} is not marked"
            )
    return problems


def extracted_catalogues() -> Path:
    """Run makemessages in a scratch copy of the sources and locale/, and return the
    copy's locale/. (makemessages writes into the `locale` folder beside the files it
    reads, whatever LOCALE_PATHS says: run on the tree itself, it would rewrite the
    committed catalogues.)"""
    scratch = Path(tempfile.mkdtemp(prefix="gnlc-i18n-"))
    shutil.copytree(ROOT / "locale", scratch / "locale")
    shutil.copytree(
        ROOT / "gnlc",
        scratch / "gnlc",
        ignore=shutil.ignore_patterns("static_vendor", "__pycache__", "*.pyc"),
    )
    shutil.copy(ROOT / "manage.py", scratch / "manage.py")
    env = {**os.environ, "GNLC_LOCALE_DIR": str(scratch / "locale"), "DEBUG": "true"}
    for domain in ["django"]:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "--no-obsolete",
                "--domain",
                domain,
                "--ignore",
                ".venv/*",
                "--ignore",
                "node_modules/*",
                "--ignore",
                "bench/*",
                *[arg for lang in LANGUAGES for arg in ("-l", lang)],
            ],
            cwd=scratch,
            env=env,
            check=True,
            capture_output=True,
        )
    return scratch / "locale"


def catalogue_problems(fresh: Path) -> list[str]:
    problems = []
    for lang in LANGUAGES:
        committed_path = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
        if not committed_path.exists():
            problems.append(f"{committed_path}: missing catalogue")
            continue
        with committed_path.open("rb") as f:
            committed = read_po(f)
        with (fresh / lang / "LC_MESSAGES" / "django.po").open("rb") as f:
            wanted = read_po(f)
        have = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in committed if m.id}
        for message in wanted:
            if not message.id:
                continue
            key = (message.context, message.id if isinstance(message.id, str) else message.id[0])
            if key not in have:
                where = message.locations[0] if message.locations else ("?", 0)
                problems.append(
                    f"{committed_path}: {key[1]!r} (from {where[0]}:{where[1]}) is missing; "
                    "run `make messages-update` and translate it"
                )
        for message in committed:
            if not message.id:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            if message.fuzzy:
                problems.append(f"{committed_path}: {msgid!r} is fuzzy")
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                problems.append(f"{committed_path}: {msgid!r} is not translated")
    return problems


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gnlc.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    problems = []
    templates = sorted((ROOT / "gnlc").glob("**/templates/**/*.html")) + sorted(
        (ROOT / "gnlc").glob("**/templates/**/*.txt")
    )
    for template in templates:
        # A template in a folder named for a language is itself a translation (e-mails).
        if {"en", *LANGUAGES} & set(template.parts):
            continue
        problems += template_problems(template.relative_to(ROOT))
    fresh = extracted_catalogues()
    try:
        problems += catalogue_problems(fresh)
    finally:
        shutil.rmtree(fresh.parent, ignore_errors=True)
    for problem in problems:
        print(problem)
    print(f"i18n: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
