"""One way in and out for every uploaded file: its type is detected from its bytes (never from its name), it is stored
under the extension of that type, and served back as an attachment with a safe name, that extension and nosniff."""
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.http import FileResponse, Http404

# The types the portal accepts anywhere, and the one extension each is stored and served under.
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
}
HEAD_BYTES = 8192


@dataclass(frozen=True)
class Detected:
    mime: str
    extension: str


def detect(upload, *, allowed) -> Detected | None:
    """The file's type by its content, if it is one of `allowed` (MIME types); None otherwise. Leaves it rewound."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in allowed or kind.mime not in EXTENSIONS:
        return None
    return Detected(mime=kind.mime, extension=EXTENSIONS[kind.mime])


def rename_to_detected(upload, detected: Detected):
    """Give the upload the name `upload.<detected extension>`: the model's upload_to keeps only that extension, so a
    PDF+HTML polyglot named "x.html" or a PDF named "x.exe" is stored as `<uuid>.pdf`."""
    upload.name = stored_name(detected.mime)
    return upload


def stored_name(mime: str) -> str:
    """The name to save an upload of this detected type under (upload_to keeps only its extension)."""
    return f"upload.{EXTENSIONS[mime]}"


def accept(upload, *, allowed) -> Detected | None:
    """detect() and, when accepted, rename_to_detected(): the one call every upload path makes before saving."""
    detected = detect(upload, allowed=allowed)
    if detected is not None:
        rename_to_detected(upload, detected)
    return detected


def safe_filename(stem: str, extension: str) -> str:
    """A download name made of `stem` (letters of any language, digits, space, dot, dash, underscore; no path, no
    quote) and the extension of the detected type, never one the uploader chose."""
    stem = PurePath(str(stem or "").replace("\\", "/")).name
    stem = re.sub(r"\.[A-Za-z][A-Za-z0-9]{0,4}$", "", stem)  # a name's own extension ("x.html"), not "v1.2"
    stem = unicodedata.normalize("NFC", stem)
    stem = re.sub(r"[^\w .-]+", "-", stem).strip(" .-_")[:80] or "file"
    return f"{stem}.{extension}"


def extension_of(name: str) -> str:
    return PurePath(name or "").suffix.lstrip(".").lower()


def file_response(fieldfile, *, filename: str, extension: str | None = None, content_type: str | None = None):
    """Serve a stored file as an attachment: a safe name with the stored (detected) extension, its MIME type, and
    `X-Content-Type-Options: nosniff` so no browser runs it as something else. A missing file is 404."""
    extension = extension or extension_of(fieldfile.name)
    if extension not in EXTENSIONS.values():  # a file stored before types were detected: bytes, never a page
        extension, content_type = "bin", "application/octet-stream"
    content_type = content_type or next(m for m, e in EXTENSIONS.items() if e == extension)
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=safe_filename(filename, extension),
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
