"""Pulling public wage and price data: BLS (CPI, ECI), QCEW and Census ACS.

``http`` sends requests (one session, timeouts, retries, keys kept out of text); ``bls``,
``qcew`` and ``acs`` plan, check and parse each source; ``areas`` places comparators on
geographies; ``manifest`` stores responses and records them; ``runner`` ties them together.
"""

from wagebrief.public.pull.http import PullError
from wagebrief.public.pull.runner import PullReport, plan, pull

__all__ = ["PullError", "PullReport", "plan", "pull"]
