"""Accounts: sign-up with email verification, sign-in, and what an account keeps (watchlist,
films seen, an opt-in mood history), on local accounts or Supabase Auth."""
