"""Solving: a week, a block of weeks, the diagnosis of a week short of sessions, and the
carry-over read from a previous plan."""
