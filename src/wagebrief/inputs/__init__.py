"""What analysts type: settlements, salaries, rosters, unit files, proposals, comparator profiles; typed and validated."""
