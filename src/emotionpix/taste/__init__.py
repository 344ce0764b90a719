"""A viewer's taste, learned from what they say about films ("more like this", "not for me"
with its reason), their watchlist and the films they have seen: weights over the features a
film record carries (tones, genres, decade, language, countries, people, length), overall and
per mood; the re-ranking of a mood's films by it (variety kept on the first page); "more like
this" from the same features; and the compact form a guest's browser keeps. Pure domain code:
no Flask, no database (the account's rows are ``auth/personal.py``'s)."""
