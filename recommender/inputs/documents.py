"""Documents as people have them: a CV as PDF, Word (.docx) or text; a job description as text, a
schema.org JobPosting (.json) or a web page that embeds one; each read into plain text.

:func:`read_cv` and :func:`read_role` take a path or the bytes of an upload (the HTTP API), tell the
kind by its first bytes (``%PDF``, a ZIP holding ``word/document.xml``, ``<html``, ``{``) before its
name, and raise :class:`~recommender.errors.InvalidInputError` naming the file for one that is
missing, empty, binary or unreadable. PDF text comes from pypdf and Word text from python-docx
(the ``files`` extra).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidInputError
from ..extras import import_extra
from .jobposting import looks_like_html, postings_in_html, postings_in_jsonld
from .tabular import binary_kind

__all__ = ["KINDS", "RoleText", "binary_kind", "decode_text", "document_kind", "read_bytes", "read_cv", "read_role"]

KINDS = ("text", "pdf", "docx", "html", "json")
_SNIFF = 8192


@dataclass(frozen=True)
class RoleText:
    """A job description as the engine takes it: its text and, from a JobPosting, its title."""

    text: str
    title: str | None = None
    source: str = "text"  # text, json (a JobPosting JSON-LD file) or html (a page embedding one)


def read_bytes(path: str | Path, what: str) -> bytes:
    """The bytes of ``path``; a missing, folder or empty file is an error naming ``what`` and the path."""
    p = Path(path)
    if not p.exists():
        raise InvalidInputError(f"{what} file not found: {p}; check the path")
    if p.is_dir():
        raise InvalidInputError(f"{what} {p} is a folder; give a file")
    data = p.read_bytes()
    if not data.strip():
        raise InvalidInputError(f"{what} file {p} is empty")
    return data


def decode_text(data: bytes, name: str, what: str) -> str:
    """Text of ``data`` (UTF-8 with or without a BOM, or UTF-16 with one); a binary file is said to be one."""
    kind = binary_kind(data)
    if kind is not None:
        raise InvalidInputError(f"{what} {name} is {kind}, not text; give a text file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{what} {name} is not UTF-8 text (byte {exc.start}); re-save it as UTF-8 (in most editors: "
            "Save as → Encoding: UTF-8)"
        ) from exc


def document_kind(data: bytes, name: str = "") -> str:
    """``pdf``, ``docx``, ``html``, ``json`` or ``text``: by the first bytes, then the name's extension."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
        return "zip"
    head = data[:_SNIFF].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    suffix = Path(name).suffix.lower()
    if looks_like_html(head) or suffix in (".html", ".htm"):
        return "html"
    if head.startswith(("{", "[")) and suffix in ("", ".json", ".jsonld"):
        return "json"
    return "text"


def _pdf_text(data: bytes, name: str, what: str) -> str:
    pypdf = import_extra("pypdf", "files")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InvalidInputError(f"{what} {name} is a password-protected PDF; save an unprotected copy")
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except InvalidInputError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise InvalidInputError(f"{what} {name} is not a readable PDF ({exc}); export it again") from exc


def _docx_text(data: bytes, name: str, what: str) -> str:
    docx = import_extra("docx", "files")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zip, XML and its own errors on damaged files
        raise InvalidInputError(f"{what} {name} is not a readable Word document ({exc}); save it again") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n".join(line for line in lines if line.strip())


def read_cv(source: str | Path | bytes, *, name: str = "", what: str = "CV") -> str:
    """The text of a CV (or any list of what a person knows): PDF, Word (.docx) or text.

    ``source`` is a path or the file's bytes (``name``: its file name, for messages and the kind).
    A file with no text (a scanned PDF) is an error that says so.
    """
    if isinstance(source, bytes):
        data, name = source, name or "upload"
        if not data.strip():
            raise InvalidInputError(f"{what} {name} is empty")
    else:
        data, name = read_bytes(source, what), str(source)
    kind = document_kind(data, name)
    if kind == "pdf":
        text = _pdf_text(data, name, what)
    elif kind == "docx":
        text = _docx_text(data, name, what)
    elif kind == "zip":
        raise InvalidInputError(f"{what} {name} is a ZIP archive, not a CV; give a PDF, a .docx or a text file")
    else:
        text = decode_text(data, name, what)
        if kind == "html":
            from .jobposting import html_to_text

            text = html_to_text(text)
    if not text.strip():
        hint = " (a scanned PDF holds pictures of text: export one with text)" if kind == "pdf" else ""
        raise InvalidInputError(f"{what} {name} holds no text{hint}")
    return text


def read_role(source: str | Path | bytes, *, name: str = "", kind: str | None = None) -> RoleText:
    """A job description from a file or upload: text, a JobPosting JSON-LD file or a page embedding one.

    ``kind`` forces ``text``, ``json`` or ``html`` (``--input-format``); by default it is told from the
    content. A JSON-LD file or page with several postings is an error (score reads many).
    """
    if isinstance(source, bytes):
        data, name = source, name or "upload"
    else:
        data, name = read_bytes(source, "job description"), str(source)
    found = kind or document_kind(data, name)
    if found in ("pdf", "docx"):
        return RoleText(read_cv(data, name=name, what="job description"), source=found)
    text = decode_text(data, name, "job description")
    if found == "text":
        return RoleText(text)
    if found == "html":
        postings = postings_in_html(text, source=name)
    else:
        try:
            postings = postings_in_jsonld(json.loads(text))
        except ValueError as exc:
            raise InvalidInputError(f"{name} is not valid JSON ({exc}); give a JobPosting JSON-LD file") from exc
    if not postings:
        where = "in the page's JSON-LD blocks" if found == "html" else "in it"
        raise InvalidInputError(
            f'{name}: no schema.org JobPosting {where}; give a posting\'s JSON-LD ("@type": "JobPosting"), '
            "or the posting as text (--input-format text)"
        )
    if len(postings) > 1:
        raise InvalidInputError(
            f"{name} holds {len(postings)} JobPostings; query reads one: use `recommender score {name}` for all"
        )
    posting = postings[0]
    if not posting.text:
        raise InvalidInputError(f"{name}: the JobPosting has no description, skills or qualifications to read")
    return RoleText(posting.text, posting.title or None, found)
