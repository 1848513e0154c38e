"""What an editor or an administrator may set for published reports, checked before anything is
written: an article's key takeaways, and the organisation's name, address and logo."""

from __future__ import annotations

import io
from dataclasses import dataclass

from claims.errors import ClaimreviewError
from claims.metadata import check_source_url

__all__ = [
    "LOGO_MAX_BYTES",
    "MAX_ORGANISATION_NAME",
    "MAX_TAKEAWAYS",
    "OrganisationSettings",
    "check_logo",
    "check_organisation",
    "check_takeaways",
]

MAX_TAKEAWAYS = 4000  # characters: a summary's few points, not a second article
MAX_ORGANISATION_NAME = 200
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4000  # pixels
_LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


@dataclass(frozen=True)
class OrganisationSettings:
    name: str
    url: str | None
    logo: bytes | None
    logo_type: str | None


def check_takeaways(text: str) -> str:
    """The editor's key takeaways (Markdown), trimmed; refused when too long."""
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TAKEAWAYS:
        raise ClaimreviewError(
            f"The key takeaways are {len(text):,} characters long; shorten them to "
            f"{MAX_TAKEAWAYS:,} or fewer (a few short points read best). Nothing was saved."
        )
    return text


def check_logo(data: bytes) -> tuple[bytes, str]:
    """A logo a report can print: a PNG or JPEG file of at most 1 MB that opens as an image.
    Returns the bytes and their media type."""
    if not data:
        raise ClaimreviewError("The logo file is empty; choose a PNG or JPEG image.")
    if len(data) > LOGO_MAX_BYTES:
        raise ClaimreviewError(
            f"The logo is {len(data) / 1024 / 1024:.1f} MB; use a PNG or JPEG of at most 1 MB "
            "(a logo prints a few centimetres wide)."
        )
    from PIL import Image, UnidentifiedImageError  # fpdf2 and matplotlib already need Pillow

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ClaimreviewError(
            "The logo is not an image that can be read; choose a PNG or JPEG file."
        ) from exc
    if kind not in _LOGO_TYPES:
        raise ClaimreviewError(
            f"The logo is a {kind} image; reports take PNG or JPEG. Save it as PNG and try again."
        )
    if max(width, height) > LOGO_MAX_SIDE:
        raise ClaimreviewError(
            f"The logo is {width} × {height} pixels; use one at most {LOGO_MAX_SIDE} pixels on "
            "its longer side."
        )
    return data, _LOGO_TYPES[kind]


def check_organisation(
    name: str, url: str | None, logo: bytes | None = None
) -> OrganisationSettings:
    """The organisation's settings, checked: a name, an optional http(s) address and logo."""
    name = " ".join((name or "").split())
    if len(name) > MAX_ORGANISATION_NAME:
        raise ClaimreviewError(
            f"The organisation's name is {len(name)} characters long; shorten it to "
            f"{MAX_ORGANISATION_NAME} or fewer."
        )
    what = "The organisation's web address"
    address = check_source_url(url, what) if url and url.strip() else None
    if logo is not None:
        logo_bytes, logo_type = check_logo(logo)
        return OrganisationSettings(name, address, logo_bytes, logo_type)
    return OrganisationSettings(name, address, None, None)
