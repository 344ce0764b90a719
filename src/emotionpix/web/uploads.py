"""Request bodies stay in memory: a photo is never written to disk, not even as a temporary
file while it is being received."""

from __future__ import annotations

import io
from typing import IO

from flask import Request


class InMemoryRequest(Request):
    """Werkzeug spools uploaded files over 500 KB to a temporary file; here every upload
    (at most ``MAX_CONTENT_LENGTH``, which Flask enforces first) stays in a BytesIO."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return io.BytesIO()
