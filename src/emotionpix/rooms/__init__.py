"""Movie-night rooms: several people's moods choose one film together. Knows no Flask: the
store keeps rooms in the app's SQL database (so every worker and server sees the same room),
``group`` blends the members' moods into the room's films, ``codes`` makes the codes."""

from emotionpix.rooms.codes import new_code, valid_code
from emotionpix.rooms.group import GroupFilm, Ranked, room_films, room_mood
from emotionpix.rooms.store import STORE_KEY, Decided, Member, Room, RoomStore

__all__ = [
    "STORE_KEY",
    "Decided",
    "GroupFilm",
    "Member",
    "Ranked",
    "Room",
    "RoomStore",
    "new_code",
    "room_films",
    "room_mood",
    "valid_code",
]
