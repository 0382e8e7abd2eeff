"""Pulled and published series: the BLS/QCEW/ACS pulls and the processed CPI, ECI and comparator profiles."""
