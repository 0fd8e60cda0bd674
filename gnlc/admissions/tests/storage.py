"""Tests keep commitment letters in a temporary folder, never in the real private
storage: `use_temporary_private_storage()` points gnlc.core.storage at one."""

import tempfile

from django.core.files.storage import FileSystemStorage

from gnlc.core.storage import private_storage

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def use_temporary_private_storage(location=None):
    location = location or tempfile.mkdtemp(prefix="gnlc-private-")
    private_storage._wrapped = FileSystemStorage(location=str(location), base_url=None)
    return location


def store_letter(name="admissions/letters/test.pdf") -> str:
    from django.core.files.base import ContentFile

    if private_storage.exists(name):
        return name
    return private_storage.save(name, ContentFile(PDF))
