"""What the rules build on: a week's facts, the doses a family may take next, the words a
runner reads, and the CP-SAT variables (model.py)."""
