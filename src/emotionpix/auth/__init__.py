"""Accounts: sign-up with email verification, sign-in, and what an account keeps (watchlist,
films seen, an opt-in mood history), on local accounts or Supabase Auth.

The backends (``local``, ``supabase``), the personal data (``personal``) and the session
ledger (``ledger``) know nothing of Flask; ``setup.init_app`` builds them for an app, and
``session`` and ``views`` are the web side.
"""
