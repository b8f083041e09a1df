"""The CLI reference, generated from the commands themselves so the docs cannot go stale.

`python -m backcover.cli.reference > docs/cli.md` writes it; a test checks that the file matches.
"""

from __future__ import annotations

from typing import Any

import typer.main

from backcover.cli._app import app

__all__ = ["reference_markdown"]


def _walk(cmd: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    """Every leaf command with its path (Typer's command classes are duck-typed: it vendors click)."""
    out: list[tuple[list[str], Any]] = []
    if getattr(cmd, "commands", None):
        for name in sorted(cmd.commands):
            out.extend(_walk(cmd.commands[name], [*path, name]))
    else:
        out.append((path, cmd))
    return out


def _option_line(p: Any) -> str:
    names = ", ".join(f"`{o}`" for o in p.opts)
    help_text = getattr(p, "help", None) or ""
    extras = []
    if p.required:
        extras.append("required")
    if getattr(p, "multiple", False):
        extras.append("repeatable")
    default = p.default
    if default not in (None, False, (), []) and not callable(default) and not getattr(p, "is_flag", False):
        value = getattr(default, "value", default)
        extras.append(f"default `{value}`")
    suffix = f" ({'; '.join(extras)})" if extras else ""
    text = f"{help_text}{suffix}".strip()
    return f"- {names}: {text}" if text else f"- {names}"


def reference_markdown() -> str:
    root = typer.main.get_command(app)
    lines = [
        "# Command-line reference",
        "",
        "Generated from the commands by `python -m backcover.cli.reference`; do not edit by hand.",
        "Exit code 0: the command did its job; 2: bad input (the message names the file, place and fix).",
        "",
    ]
    for path, cmd in _walk(root, ["backcover"]):
        lines.append(f"## `{' '.join(path)}`")
        lines.append("")
        if cmd.help:
            lines.append(cmd.help.strip().split("\n\n")[0].replace("\n", " "))
            lines.append("")
        params = [p for p in cmd.params if p.name != "help"]
        for p in params:
            if p.param_type_name == "argument":
                lines.append(f"- argument `{(p.name or '').upper()}`")
        for p in params:
            if p.param_type_name == "option":
                lines.append(_option_line(p))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(reference_markdown())
