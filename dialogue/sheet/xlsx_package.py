"""An .xlsx package copied part by part with its core properties (`docProps/core.xml`) changed: the zip
handling the compiled workbook (fixed dates, private members) and the customer-data marking (what the file
holds) share."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

CORE = "docProps/core.xml"
FIXED_DATE = (2000, 1, 1, 0, 0, 0)  # a compile of the same session gives the same bytes


def with_core(data: bytes, change: Callable[[str], str], restamp: bool = False) -> bytes:
    """The package with `change` applied to its core properties; with `restamp`, every member dated
    FIXED_DATE and private (0600), else each member's own zip entry kept as it was."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            part = source.read(member)
            if member.filename == CORE:
                part = change(part.decode("utf-8")).encode("utf-8")
            info = member
            if restamp:
                info = zipfile.ZipInfo(member.filename, date_time=FIXED_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
            target.writestr(info, part)
    return out.getvalue()
