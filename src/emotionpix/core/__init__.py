"""The small core every other part of EmotionPix builds on; it imports nothing else of the
package (a test walks the imports to keep it so).

- ``emotions``: the seven labels in the models' output order, aliases, ``normalise_emotion``
- ``movies``: ``Movie``, the record every provider returns and every API speaks
- ``filters``: ``Filters``, the quality filters a query asks for
- ``text``: text normalisation for search and cache keys
- ``records``: one way a record becomes JSON (``as_json``), and a digest of its shape
"""

from emotionpix.core.emotions import EMOTIONS, UnknownEmotion, normalise_emotion
from emotionpix.core.filters import Filters
from emotionpix.core.movies import Movie
from emotionpix.core.text import normalise

__all__ = ["EMOTIONS", "Filters", "Movie", "UnknownEmotion", "normalise", "normalise_emotion"]
