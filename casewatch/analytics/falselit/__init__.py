"""False-litigation detection (虚假诉讼) — the data plane, no Django.

Pipeline (``pipeline.run``): entity resolution of parties across cases (``resolve``), a relationship
graph of cases, entities, phones, addresses, agents and legal representatives with connected
components (``graph``, igraph), indicators traceable to rules-cn.md §1 (``indicators``), and risk
scores for cases and clusters with the evidence path (``scoring``). ``quality`` measures the result
against the demo city's ground truth. Thresholds and weights live in ``config.Config``.

The module proposes; people decide. Nothing here labels a case as false litigation.
"""

from casewatch.analytics.falselit.config import Config
from casewatch.analytics.falselit.pipeline import Result, run

__all__ = ["Config", "Result", "run"]
