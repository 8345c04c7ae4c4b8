"""A contract written to a file the teacher names: where (the path typed, checked before any
work), and the writing itself, from a :class:`ContractDocument` gathered beforehand. Writing
needs no store, so a front end can do it off its main thread."""

from __future__ import annotations

import json
import re
from pathlib import Path

from calibrate.domain.contracts import Contract, ContractFieldError
from calibrate.domain.errors import CalibrateError
from calibrate.services.contracts.export import (
    ContractDocument,
    ContractFormat,
    contract_json,
    sections,
    title_lines,
)
from calibrate.services.contracts.render import render_html, render_markdown
from calibrate.storage.private_files import write_private_text

SUFFIXES = {
    ".md": ContractFormat.MD,
    ".markdown": ContractFormat.MD,
    ".html": ContractFormat.HTML,
    ".htm": ContractFormat.HTML,
    ".json": ContractFormat.JSON,
}


def default_file_name(contract: Contract, fmt: ContractFormat = ContractFormat.MD) -> str:
    """``contract-G8-C-008-v2.md``: the student code (safe characters only) and version."""
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", contract.student_code).strip("-") or "student"
    return f"contract-{code}-v{contract.version}.{fmt}"


def export_destination(text: str, *, folder: Path) -> tuple[Path, ContractFormat]:
    """The file a typed path names (``~`` expanded, relative to ``folder``) and the format its
    ending asks for (.md, .html or .json). Raises ContractFieldError (field ``"path"``) if
    the path is empty, is a folder, has another ending, or its folder does not exist."""
    typed = text.strip()
    if not typed:
        raise ContractFieldError("path", "File: type where to write the contract.")
    path = Path(typed).expanduser()
    if not path.is_absolute():
        path = folder / path
    if path.is_dir():
        raise ContractFieldError("path", f"File: {path} is a folder; add a file name.")
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ContractFieldError(
            "path", "File: end the name with .md (Markdown), .html (a web page) or .json."
        )
    if not path.parent.is_dir():
        raise ContractFieldError("path", f"File: there is no folder {path.parent}.")
    return path, fmt


def render_document(
    doc: ContractDocument, fmt: ContractFormat, *, include_name: bool = False
) -> str:
    """The document as Markdown, HTML or JSON text (the same as ``calibrate contract export``)."""
    if fmt is ContractFormat.JSON:
        return json.dumps(
            contract_json(doc, include_name=include_name), indent=2, ensure_ascii=False
        )
    title, parts = title_lines(doc, include_name=include_name), sections(doc)
    return (
        render_html(title, parts) if fmt is ContractFormat.HTML else render_markdown(title, parts)
    )


def write_document(
    doc: ContractDocument, path: Path, fmt: ContractFormat, *, include_name: bool = False
) -> Path:
    """Write the document to ``path`` (replacing it). Raises CalibrateError if it cannot be
    written."""
    text = render_document(doc, fmt, include_name=include_name)
    try:
        write_private_text(path, text)
    except OSError as exc:
        raise CalibrateError(f"{path} cannot be written ({exc.strerror or exc}).") from None
    return path
