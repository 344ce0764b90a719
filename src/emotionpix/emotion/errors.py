"""What can go wrong with a picture. The engine knows nothing of HTTP: ``errors.py`` maps
these to status codes (400, 413, 415, 422) in one place."""

from __future__ import annotations


class EmotionError(Exception):
    """A picture the engine cannot answer for; ``code`` names the case for API clients and
    ``message`` says what to do, in plain words."""

    code = "emotion_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidImage(EmotionError):
    """Empty, damaged, or not an image at all."""

    code = "invalid_image"


class ImageTooLarge(EmotionError):
    """More pixels than the engine decodes (decompression bombs included)."""

    code = "image_too_large"


class UnsupportedImage(EmotionError):
    """An image in a format the engine does not read."""

    code = "unsupported_image"


class NoFace(EmotionError):
    """A readable picture with no face in it: never answered with a made-up emotion."""

    code = "no_face"
