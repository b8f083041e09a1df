"""Reading a denial notice: its text from a PDF's text layer (pypdf) or from a photo or scan (OCR
with Debian's ``tesseract``), then the CARC/RARC codes, the notice date, the claim number and the
reason found in it. The result is shown for the person to confirm; nothing is saved here.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from backcover.errors import BadInput
from backcover.store import sniff_media_type

__all__ = ["NoticeReading", "notice_text", "read_notice", "read_notice_text"]

TESSERACT = "tesseract"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_PATTERNS = (
    (re.compile(rf"\b(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}}\b"), "%B %d, %Y"),
    (re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b"), "%m/%d/%Y"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "%Y-%m-%d"),
)
_NOTICE_LABEL = re.compile(
    r"(?:notice date|date of (?:this )?notice|date of letter|letter date|date)\s*:?\s*", re.I
)
_CARC = re.compile(r"\b(CO|PR|OA|PI|CR)\s?[-\s]\s?(\d{1,3}|[A-Z]\d{1,2})\b")
_CARC_WORDS = re.compile(r"\b(?:reason|adjustment|CARC)\s+code\s*:?\s*(\d{1,3})\b", re.I)
_RARC = re.compile(r"\b(M\d{1,3}|MA\d{1,3}|N\d{1,4})\b")
_CLAIM = re.compile(
    r"\b(?:claim|reference|ref\.?|case|ICN)\s*(?:number|no\.?|#|id)?\s*[:#]?\s*([A-Z0-9][A-Z0-9-]{5,29})\b",
    re.I,
)
_REASON = re.compile(
    r"(?:reason(?: for (?:the )?(?:denial|decision))?|why we denied[^:]*|we denied[^:]*because)\s*:\s*(.+)",
    re.I,
)


@dataclass(frozen=True)
class NoticeReading:
    """What a denial notice seems to say. Every field is a suggestion until the person confirms it."""

    codes: tuple[str, ...]
    notice_date: date | None
    claim_number: str | None
    reason: str | None
    method: str  # "text layer" or "OCR"
    characters: int

    @property
    def codes_text(self) -> str:
        return ", ".join(self.codes)


def _dates(text: str) -> list[tuple[int, date]]:
    out = []
    for pattern, fmt in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            try:
                out.append((m.start(), datetime.strptime(m.group(0), fmt).date()))
            except ValueError:
                continue
    return sorted(out)


def read_notice_text(text: str, method: str = "text layer") -> NoticeReading:
    """Codes, notice date, claim number and reason from a notice's text (pure)."""
    flat = re.sub(r"[ \t]+", " ", text)
    codes: list[str] = []
    for m in _CARC.finditer(flat):
        codes.append(f"{m.group(1).upper()}-{m.group(2).upper()}")
    for m in _CARC_WORDS.finditer(flat):
        if not any(c.endswith(f"-{m.group(1)}") for c in codes):
            codes.append(m.group(1))
    for m in _RARC.finditer(flat):
        codes.append(m.group(1).upper())
    dates = _dates(flat)
    notice: date | None = None
    for label in _NOTICE_LABEL.finditer(flat):
        after = [d for pos, d in dates if label.end() <= pos <= label.end() + 3]
        if after:
            notice = after[0]
            break
    if notice is None and dates:
        notice = dates[0][1]
    claim = next((m.group(1) for m in _CLAIM.finditer(flat) if any(ch.isdigit() for ch in m.group(1))), None)
    reason_match = _REASON.search(flat)
    reason = reason_match.group(1).strip()[:500] if reason_match else None
    return NoticeReading(tuple(dict.fromkeys(codes)), notice, claim, reason, method, len(text))


def _ocr(content: bytes, suffix: str) -> str:
    exe = shutil.which(TESSERACT)
    if exe is None:
        raise BadInput(
            "reading a photo or scan needs tesseract, which is not installed",
            "install Debian's tesseract-ocr package, or type the codes and date from the letter",
        )
    with tempfile.TemporaryDirectory(prefix="backcover-ocr-") as tmp:
        image = Path(tmp) / f"notice{suffix}"
        image.write_bytes(content)
        try:
            done = subprocess.run([exe, str(image), "stdout"], capture_output=True, timeout=120, check=False)
        except subprocess.TimeoutExpired:
            raise BadInput("reading the image took too long", "try a smaller or clearer photo") from None
    if done.returncode != 0:
        raise BadInput("the image could not be read", "try a clearer photo, or a PDF of the letter")
    return done.stdout.decode("utf-8", errors="replace")


def notice_text(content: bytes, filename: str) -> tuple[str, str]:
    """(text, method) of a denial notice: the PDF's text layer, or OCR of an image or scanned PDF."""
    media = sniff_media_type(content)
    if media == "application/pdf":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            pages = PdfReader(io.BytesIO(content)).pages
            text = "\n".join(p.extract_text() or "" for p in pages)
        except (PdfReadError, ValueError, KeyError) as exc:
            raise BadInput(
                f"the PDF could not be read ({type(exc).__name__})", "save it again as PDF", filename
            ) from None
        if len(text.strip()) >= 40:
            return text, "text layer"
        raise BadInput(
            "this PDF has no text layer (it is a scan)",
            "take a photo of the letter, or export the pages as PNG, and read that instead",
            filename,
        )
    if media and media.startswith("image/"):
        return _ocr(
            content, {"image/png": ".png", "image/jpeg": ".jpg", "image/tiff": ".tif"}.get(media, ".img")
        ), "OCR"
    raise BadInput(
        "not a PDF or an image", "give the denial letter as a PDF or a photo (PNG or JPEG)", filename
    )


def read_notice(content: bytes, filename: str) -> NoticeReading:
    """What a denial notice (PDF or photo) seems to say, for the person to confirm."""
    text, method = notice_text(content, filename)
    return read_notice_text(text, method)
