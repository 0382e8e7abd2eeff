"""wagebrief: bargaining research for public-sector labor relations."""

__version__ = "0.1.0"
