"""Document intake checks: size limit and file type by magic bytes (pure)."""

from __future__ import annotations

import hashlib

from backcover.errors import BadInput

__all__ = ["DOC_TYPES", "MAX_DOCUMENT_BYTES", "check_document", "sha256_hex", "sniff_media_type"]

MAX_DOCUMENT_BYTES = 25 * 1024 * 1024

DOC_TYPES = (
    "imaging_report",
    "referral",
    "visit_note",
    "denial_letter",
    "eob",
    "remittance",
    "lab_report",
    "prior_auth",
    "appeal_letter",
    "letter",
    "other",
)

_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF-", 0, "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"II*\x00", 0, "image/tiff"),
    (b"MM\x00*", 0, "image/tiff"),
)


def sniff_media_type(content: bytes) -> str | None:
    """The media type told by the file's first bytes, or None when it is not a PDF or an image."""
    head = content[:16]
    for magic, offset, media in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return media
    if head[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content.lstrip(b"\xef\xbb\xbf \t\r\n")[:3] == b"ISA":
        return "application/edi-x12"
    return None


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def check_document(content: bytes, doc_type: str, *, file: str | None = None) -> str:
    """Check size and type; return the media type. A remittance is X12; everything else a PDF or image."""
    if doc_type not in DOC_TYPES:
        from backcover.yamlio import suggest

        raise BadInput(
            f"unknown document type {doc_type!r}{suggest(doc_type, DOC_TYPES)}",
            "use one of: " + ", ".join(DOC_TYPES),
            file,
            "document type",
        )
    if len(content) > MAX_DOCUMENT_BYTES:
        raise BadInput(
            f"the file is {len(content) / 1048576:.1f} MB, over the 25 MB limit",
            "scan at a lower resolution or split the document",
            file,
        )
    if not content:
        raise BadInput("the file is empty", "give the document's file", file)
    media = sniff_media_type(content)
    if doc_type == "remittance":
        if media != "application/edi-x12":
            raise BadInput(
                "a remittance must be an X12 835 file", "give the 835 file (it starts with ISA)", file
            )
        return media
    if media is None or media == "application/edi-x12":
        raise BadInput(
            "the file is not a PDF or an image (checked by its content, not its name)",
            "give a PDF, PNG, JPEG, GIF, TIFF or WebP file",
            file,
        )
    return media
