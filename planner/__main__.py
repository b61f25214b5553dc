"""`python -m planner` runs the same CLI as the `runstrong` command."""

from planner.cli import run

run()
