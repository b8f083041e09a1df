"""Commands that do not touch the store do not load SQLAlchemy/Alembic at start-up."""

from __future__ import annotations

import subprocess
import sys


def test_cli_import_does_not_load_the_store() -> None:
    code = "import sys, backcover.cli; print('sqlalchemy' in sys.modules, 'alembic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_cli_import_does_not_load_costs_letters_or_appeals() -> None:
    """The cost model, the letters and the appeal codes load when a command that uses them runs."""
    code = (
        "import sys, backcover.cli; "
        "print(*(m in sys.modules for m in ('backcover.costs', 'backcover.documents', 'backcover.appeals')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]
