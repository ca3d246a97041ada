"""An independent evaluation set for the false-litigation detector (no Django).

Written from the text of rules-cn.md §1, not from the demo generator: its own people, courts,
docket, ring shapes and honest look-alikes (``city``), its own metrics at case, lead and ring
level plus pairwise linkage precision/recall (``metrics``), and a command that prints them::

    python -m casewatch.analytics.falselit_eval --seeds 901 902 --cases 10000

It is used only for evaluation: nothing in the detector may import it, and thresholds must not be
tuned on the seeds that are reported (docs/falselit.md lists which seeds were looked at).
"""

from casewatch.analytics.falselit_eval.city import HONEST_KINDS, RING_SHAPES, EvalCity, build_city
from casewatch.analytics.falselit_eval.metrics import evaluate, linkage

__all__ = ["HONEST_KINDS", "RING_SHAPES", "EvalCity", "build_city", "evaluate", "linkage"]
