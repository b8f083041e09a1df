"""backcover: get back care paid for.

backcover is information, not legal or medical advice.
"""

__version__ = "0.1.0"

DISCLAIMER = (
    "backcover is information, not legal or medical advice. Check decisions with your plan, "
    "your clinician and, for legal questions, a qualified advocate."
)

__all__ = ["DISCLAIMER", "__version__"]
