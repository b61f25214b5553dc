"""Renderers: a Plan (plain data) into bytes (.ics, JSON, FIT, the terminal table), and
the files written all together or not at all (outputs.py)."""
